using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Text;

namespace RnnNative.Tasks;

/// <summary>
/// How a task's data meets its model, fixed by the training data and recorded in the model file: the inputs
/// (V token ids, named by a vocabulary when they came from text, or F floats per timestep) and the targets
/// (<paramref name="Target"/> with <paramref name="Outputs"/> labels or values). Every file read for the model is
/// encoded with it.
/// </summary>
/// <param name="VocabularySize">V: token ids of token inputs; 0 for numeric inputs.</param>
/// <param name="FeatureSize">F: floats per timestep of numeric inputs; 0 for token inputs.</param>
/// <param name="Target">What the sequences are labelled with.</param>
/// <param name="Outputs">The labels (class targets) or the values per target (O).</param>
public sealed record TaskEncoding(int VocabularySize, int FeatureSize, TargetKind Target, int Outputs)
{
    /// <summary>The names of the token ids (text data); null for ids given as numbers and for numeric inputs.</summary>
    public TokenVocabulary? Inputs { get; init; }

    /// <summary>The names of the labels (tags or classes); null for value targets.</summary>
    public LabelSet? Labels { get; init; }

    /// <summary>O for value targets, 0 for class targets.</summary>
    public int ValueSize => IsValues(Target) ? Outputs : 0;

    /// <summary>The encoding of text data: <paramref name="inputs"/> names the token ids, <paramref name="labels"/> the classes.</summary>
    public static TaskEncoding OfText(TokenVocabulary inputs, LabelSet labels, TargetKind target) =>
        new(inputs.Count, 0, target, labels.Count) { Inputs = inputs, Labels = labels };

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="source"/> when <paramref name="set"/> does not
    /// fit this encoding (other inputs, other targets, an id outside the vocabulary or the labels).</summary>
    public void Check(SequenceSet set, string source)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.FeatureSize != FeatureSize)
        {
            string has = set.FeatureSize == 0 ? "token ids" : $"{set.FeatureSize} features per timestep";
            string reads = FeatureSize == 0 ? "token ids" : $"{FeatureSize} features per timestep";
            throw new ArgumentException($"{source}: has {has} but the model reads {reads}.", nameof(set));
        }
        if (set.Target != Target || set.ValueSize != ValueSize)
        {
            throw new ArgumentException($"{source}: its targets are {Describe(set.Target, set.ValueSize)} but the model predicts {Describe(Target, ValueSize)}.", nameof(set));
        }
        if (!IsValues(Target))
        {
            foreach (int id in set.Classes)
            {
                if (id >= Outputs)
                {
                    throw new ArgumentException($"{source}: class {id} is not one of the model's {Outputs} classes (0..{Outputs - 1}).", nameof(set));
                }
            }
        }
        foreach (int token in set.Tokens)
        {
            if ((uint)token >= (uint)VocabularySize)
            {
                throw new ArgumentException($"{source}: token id {token} is outside the model's vocabulary of {VocabularySize}.", nameof(set));
            }
        }
    }

    /// <summary>True for value targets (regression).</summary>
    public static bool IsValues(TargetKind target) => target is TargetKind.SequenceValues or TargetKind.StepValues;

    /// <summary>The targets of <paramref name="target"/> in words, for errors.</summary>
    internal static string Describe(TargetKind target, int valueSize) => target switch
    {
        TargetKind.StepClasses => "a class per timestep",
        TargetKind.SequenceClass => "a class per sequence",
        TargetKind.SequenceValues => $"{valueSize} value(s) per sequence",
        _ => $"{valueSize} value(s) per timestep",
    };
}
