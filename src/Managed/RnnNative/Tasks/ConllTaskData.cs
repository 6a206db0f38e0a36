using System.Text;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.IO;
using RnnNative.Text;

namespace RnnNative.Tasks;

/// <summary>A CoNLL tagging file read for a tagger (<see cref="TaggingDataset"/>); predictions are written back as
/// the file's columns plus a predicted-tag column.</summary>
internal sealed class ConllTaskData : TaskData
{
    private readonly TaggingDataset _dataset;

    private ConllTaskData(string source, TaggingDataset dataset, TaskEncoding encoding)
        : base(source, dataset.Set, encoding)
    {
        _dataset = dataset;
    }

    /// <summary>Reads <paramref name="path"/>, fitting the vocabulary and tags to it when <paramref name="encoding"/> is null.</summary>
    public static ConllTaskData Read(string path, TaskDataOptions options, TaskEncoding? encoding, bool requireTags) =>
        Encode(ConllDocument.Read(path, requireTags || encoding is null), options, encoding);

    /// <summary>Parses CoNLL <paramref name="text"/> named <paramref name="source"/> (the built-in demo), fitting when <paramref name="encoding"/> is null.</summary>
    public static ConllTaskData Parse(string text, string source, TaskDataOptions options, TaskEncoding? encoding) =>
        Encode(ConllDocument.Parse(new StringReader(text), source), options, encoding);

    /// <summary>Sentences from memory (<see cref="ConllDocument.FromTokens"/>), fitting when <paramref name="encoding"/> is null.</summary>
    public static ConllTaskData FromMemory(IReadOnlyList<string> tokens, ReadOnlySpan<int> lengths, IReadOnlyList<string>? tags, TaskDataOptions options, TaskEncoding? encoding)
    {
        if (tags is null && encoding is null) throw new ArgumentException("training data needs a tag per token (sentences without tags are for a model to predict).", nameof(tags));
        return Encode(ConllDocument.FromTokens(tokens, lengths, tags, "the sentences given"), options, encoding);
    }

    private static ConllTaskData Encode(ConllDocument document, TaskDataOptions options, TaskEncoding? encoding)
    {
        if (encoding is null)
        {
            (TokenVocabulary vocabulary, LabelSet tags) = TaggingDataset.Fit(document, options.Unit, options.MaxVocabulary, options.Lowercase);
            encoding = TaskEncoding.OfText(vocabulary, tags, TargetKind.StepClasses);
        }
        if (encoding.Inputs is null || encoding.Labels is null || encoding.Target != TargetKind.StepClasses)
        {
            throw new ArgumentException($"{document.File}: tagged tokens (CoNLL) are read by a tagger of tokens, not by a model that predicts {TaskEncoding.Describe(encoding.Target, encoding.ValueSize)}{(encoding.Inputs is null ? " from numbers" : "")}.");
        }
        return new ConllTaskData(document.File, TaggingDataset.Encode(document, encoding.Inputs, encoding.Labels), encoding);
    }

    internal override (IReadOnlyList<IReadOnlyList<string>> Gold, IReadOnlyList<IReadOnlyList<string>> Predicted) TagSequences(TaskPredictions predictions)
    {
        IReadOnlyList<ConllSentence> sentences = _dataset.Document.Sentences;
        IReadOnlyList<string>[] gold = [.. sentences.Select(s => (IReadOnlyList<string>)[.. Enumerable.Range(0, s.Count).Select(i => s.Tag(i)!)])];
        return (gold, PredictedTags(predictions));
    }

    private protected override string PredictionExtension => ".conll";

    public override void WritePredictions(TaskPredictions predictions, string path)
    {
        IReadOnlyList<IReadOnlyList<string>> tags = PredictedTags(predictions);
        AtomicFile.Write(path, stream =>
        {
            using StreamWriter writer = new(stream, new UTF8Encoding(false), leaveOpen: true);
            _dataset.Document.WriteWithPredictions(writer, tags);
        });
    }

    /// <summary>Each token's predicted tag, read at its timestep (its first character when read as characters).</summary>
    private IReadOnlyList<IReadOnlyList<string>> PredictedTags(TaskPredictions predictions)
    {
        CheckPredictions(predictions);
        return _dataset.TagsFromSteps(Encoding.Labels!, (sentence, step) => predictions.Label(sentence, step));
    }
}
