using System.Text;
using RnnNative.Text;

namespace RnnNative.Native.Interop;

/// <summary>rnn_dataset_label and rnn_model_label: the name of a label of class targets, as UTF-8 text into a caller's buffer.</summary>
internal static unsafe class LabelNames
{
    /// <summary>Label <paramref name="index"/> of <paramref name="labels"/>, whose owner (<paramref name="owner"/>: "dataset (dev.tsv)",
    /// "model (a regressor)") has values instead when they are null: then <c>RNN_E_UNSUPPORTED</c> naming <paramref name="function"/>.</summary>
    public static Status CopyOut(LabelSet? labels, string owner, int index, byte* buffer, nuint capacity, nuint* needed, string function)
    {
        if (labels is null) throw new NotSupportedException($"{function} serves class targets (taggers and classifiers); {owner} has values.");
        if ((uint)index >= (uint)labels.Count) throw new ArgumentOutOfRangeException("index", index, $"there are {labels.Count} labels (0..{labels.Count - 1})");
        return Marshalling.CopyOutText(Encoding.UTF8.GetBytes(labels[index]), buffer, capacity, needed, "buf");
    }
}
