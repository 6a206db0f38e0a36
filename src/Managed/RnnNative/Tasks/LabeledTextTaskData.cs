using System.Text;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.IO;
using RnnNative.Text;

namespace RnnNative.Tasks;

/// <summary>A TSV or CSV classification file read for a classifier (<see cref="ClassificationDataset"/>); predictions are
/// written as TSV: the predicted label, its probability and the text.</summary>
internal sealed class LabeledTextTaskData : TaskData
{
    private readonly ClassificationFile _file;

    private LabeledTextTaskData(ClassificationFile file, SequenceSet set, TaskEncoding encoding)
        : base(file.File, set, encoding)
    {
        _file = file;
    }

    /// <summary>Reads <paramref name="path"/> (CSV with <paramref name="options"/>' columns when <paramref name="csv"/>),
    /// fitting the vocabulary and classes to it when <paramref name="encoding"/> is null.</summary>
    public static LabeledTextTaskData Read(string path, bool csv, TaskDataOptions options, TaskEncoding? encoding) =>
        Encode(csv ? ClassificationFile.ReadCsv(path, options.LabelColumn, options.TextColumn) : ClassificationFile.ReadTsv(path), options, encoding);

    /// <summary>Texts from memory (<see cref="ClassificationFile.FromTexts"/>), fitting when <paramref name="encoding"/> is null.</summary>
    public static LabeledTextTaskData FromMemory(IReadOnlyList<string> texts, IReadOnlyList<string>? labels, TaskDataOptions options, TaskEncoding? encoding)
    {
        if (labels is null && encoding is null) throw new ArgumentException("training data needs a label per text (texts without labels are for a model to predict).", nameof(labels));
        return Encode(ClassificationFile.FromTexts(texts, labels, "the texts given"), options, encoding);
    }

    private static LabeledTextTaskData Encode(ClassificationFile file, TaskDataOptions options, TaskEncoding? encoding)
    {
        if (encoding is null)
        {
            (TokenVocabulary vocabulary, LabelSet classes) = ClassificationDataset.Fit(file, options.Unit, options.MaxVocabulary, options.Lowercase);
            encoding = TaskEncoding.OfText(vocabulary, classes, TargetKind.SequenceClass);
        }
        if (encoding.Inputs is null || encoding.Labels is null || encoding.Target != TargetKind.SequenceClass)
        {
            throw new ArgumentException($"{file.File}: labelled texts are read by a classifier of tokens, not by a model that predicts {TaskEncoding.Describe(encoding.Target, encoding.ValueSize)}{(encoding.Inputs is null ? " from numbers" : "")}.");
        }
        return new LabeledTextTaskData(file, ClassificationDataset.Encode(file, encoding.Inputs, encoding.Labels), encoding);
    }

    /// <inheritdoc/>
    public override bool HasTargets => _file.Labelled;

    private protected override string PredictionExtension => ".tsv";

    public override void WritePredictions(TaskPredictions predictions, string path)
    {
        CheckPredictions(predictions);
        LabelSet classes = Encoding.Labels!;
        string[] labels = [.. Enumerable.Range(0, predictions.Count).Select(i => classes[predictions.Label(i)])];
        float[] probabilities = [.. Enumerable.Range(0, predictions.Count).Select(i => predictions.Probability(i))];
        AtomicFile.Write(path, stream =>
        {
            using StreamWriter writer = new(stream, new UTF8Encoding(false), leaveOpen: true);
            _file.WritePredictions(writer, labels, probabilities);
        });
    }
}
