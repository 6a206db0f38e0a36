using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Text;

namespace RnnNative.Tasks;

/// <summary>
/// A file (or arrays from memory) read for a task: its sequences encoded as the model reads them
/// (<see cref="Set"/>, <see cref="Encoding"/>), and what it takes to write predictions back in the file's own
/// format (CoNLL with a predicted-tag column, TSV with the predicted label and its probability, .npy).
/// </summary>
public abstract class TaskData
{
    private protected TaskData(string source, SequenceSet set, TaskEncoding encoding)
    {
        encoding.Check(set, source);
        Source = source;
        Set = set;
        Encoding = encoding;
    }

    /// <summary>Where the data came from (a file's path), for messages.</summary>
    public string Source { get; }

    /// <summary>The sequences, example i as the file's i-th sentence, line or array row.</summary>
    public SequenceSet Set { get; }

    /// <summary>The vocabulary and labels the sequences are encoded with: fitted to this file when it was read for
    /// training, the model's otherwise.</summary>
    public TaskEncoding Encoding { get; }

    /// <summary>
    /// Reads <paramref name="path"/> for <paramref name="task"/>: tagging reads CoNLL files (or a .npz of class ids
    /// per timestep), classification .tsv, .csv (columns of <paramref name="options"/>) or .npz, regression .npz.
    /// With no <paramref name="encoding"/> the file is training data: its vocabulary (cap, case and unit of
    /// <paramref name="options"/>) and labels are fitted to it. With one (a model's), the file is encoded with it,
    /// and a label the model does not know is an error naming the file and line. <paramref name="requireTargets"/>
    /// false lets a CoNLL file have no tag column (prediction).
    /// </summary>
    /// <exception cref="DatasetFormatException">The file is malformed (the message names it and the line).</exception>
    /// <exception cref="ArgumentException">The file does not suit the task or the model.</exception>
    public static TaskData Read(TaskKind task, string path, TaskDataOptions? options = null, TaskEncoding? encoding = null, bool requireTargets = true)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new TaskDataOptions();
        options.Validate();
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".npz" && task != TaskKind.LanguageModel)
        {
            return ArrayTaskData.ReadNpz(task, path, encoding);
        }
        if (task == TaskKind.Tagging)
        {
            return ConllTaskData.Read(path, options, encoding, requireTargets);
        }
        if (task == TaskKind.Classification && extension is ".tsv" or ".csv")
        {
            return LabeledTextTaskData.Read(path, extension == ".csv", options, encoding);
        }
        throw new ArgumentException($"{path}: {task.Name} reads {task.Formats}.", nameof(path));
    }

    /// <summary>
    /// Sentences from memory for tagging, read as a CoNLL file with those tokens would be: sentence s is the next
    /// <paramref name="lengths"/>[s] tokens, each with its tag in <paramref name="tags"/> (null: none, to predict; training
    /// data needs them). Fitted (<paramref name="options"/>: unit, cap, case) when <paramref name="encoding"/> is null, else
    /// encoded with it. Predictions are written as CoNLL (token, tag when given, predicted tag).
    /// </summary>
    /// <exception cref="ArgumentException">A token or tag is empty or has whitespace, the lengths do not cover the tokens
    /// (the message names it: "tokens[k] (sentence s, token i): ...").</exception>
    /// <exception cref="DatasetFormatException">A tag the model does not know ("tags[k] (sentence s, token i): ...").</exception>
    public static TaskData FromSentences(IReadOnlyList<string> tokens, ReadOnlySpan<int> lengths, IReadOnlyList<string>? tags, TaskDataOptions? options = null, TaskEncoding? encoding = null)
    {
        options ??= new TaskDataOptions();
        options.Validate();
        return ConllTaskData.FromMemory(tokens, lengths, tags, options, encoding);
    }

    /// <summary>
    /// Texts from memory for classification, read as a classification file with those lines would be, each with its label
    /// in <paramref name="labels"/> (null: none, to predict; training data needs them). Fitted or encoded as
    /// <see cref="FromSentences"/>. Predictions are written as TSV (label, probability, text).
    /// </summary>
    /// <exception cref="ArgumentException">A text or label is missing, or a label is blank ("texts[i]: ...", "labels[i]: ...").</exception>
    /// <exception cref="DatasetFormatException">A label the model does not know, or a text with no unit ("labels[i]: ...").</exception>
    public static TaskData FromTexts(IReadOnlyList<string> texts, IReadOnlyList<string>? labels, TaskDataOptions? options = null, TaskEncoding? encoding = null)
    {
        options ??= new TaskDataOptions();
        options.Validate();
        return LabeledTextTaskData.FromMemory(texts, labels, options, encoding);
    }

    /// <summary>Sequences from memory (the C ABI's and Python's arrays) encoded as <paramref name="encoding"/> says;
    /// their predictions are written as .npy.</summary>
    public static TaskData FromSet(SequenceSet set, TaskEncoding encoding, string source = "the sequences given") => new ArrayTaskData(source, set, encoding);

    /// <summary>The encoding fitted to sequences from memory: class targets get the labels "0".."K-1" of their largest
    /// id (at least 2 classes); value targets their O; token inputs no vocabulary beyond their largest id.</summary>
    public static TaskEncoding FitArrays(SequenceSet set) => ArrayTaskData.Fit(set);

    /// <summary>Writes <paramref name="predictions"/> (of this data) to <paramref name="path"/> in the data's format, atomically.</summary>
    public abstract void WritePredictions(TaskPredictions predictions, string path);

    /// <summary>Where <see cref="WritePredictions"/> writes unless told otherwise, for every front door: next to the file,
    /// its name with ".pred" and the extension of the format predictions are written in ("dev.conll" -> "dev.pred.conll",
    /// "reviews.csv" -> "reviews.pred.tsv", "series.npz" -> "series.pred.npy").</summary>
    public string PredictionPath => Path.ChangeExtension(Source, ".pred" + PredictionExtension);

    /// <summary>The extension of the format <see cref="WritePredictions"/> writes: ".conll", ".tsv" or ".npy".</summary>
    private protected abstract string PredictionExtension { get; }

    /// <summary>The gold and predicted tag names of each sequence, one per token, for the chunk metrics: by default one per
    /// timestep; a CoNLL file read as characters reads each token's tag at its first character.</summary>
    internal virtual (IReadOnlyList<IReadOnlyList<string>> Gold, IReadOnlyList<IReadOnlyList<string>> Predicted) TagSequences(TaskPredictions predictions)
    {
        LabelSet labels = Encoding.Labels!;
        string[][] gold = new string[Set.Count][], predicted = new string[Set.Count][];
        for (int i = 0; i < Set.Count; i++)
        {
            int length = Set.Length(i), start = Set.Offsets[i];
            gold[i] = [.. Enumerable.Range(0, length).Select(t => labels[Set.Classes[start + t]])];
            predicted[i] = [.. Enumerable.Range(0, length).Select(t => labels[predictions.Label(i, t)])];
        }
        return (gold, predicted);
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="predictions"/> has a row set per example of this data.</summary>
    private protected void CheckPredictions(TaskPredictions predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.Count != Set.Count)
        {
            throw new ArgumentException($"{predictions.Count} predictions for the {Set.Count} sequences of {Source}.", nameof(predictions));
        }
    }

    /// <summary>True when every target is known (not a CoNLL file read without tags, nor texts given without labels).</summary>
    public virtual bool HasTargets => Set.Target != TargetKind.StepClasses || !Set.Classes.Contains(Kernels.KernelSet.IgnoreTarget);
}
