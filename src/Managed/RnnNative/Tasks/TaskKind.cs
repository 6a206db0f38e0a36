using RnnNative.Data;
using RnnNative.Model;

namespace RnnNative.Tasks;

/// <summary>
/// The table of tasks: what each front door calls a task (<c>rnn train --task tag</c>, the C model kinds,
/// Python's <c>Model.tagger</c>), which kind of model it trains, and the files it reads. Nothing else
/// switches on the task: front doors look their task up here.
/// </summary>
public sealed class TaskKind
{
    private TaskKind(string name, ModelKind model, string description, string formats, bool bidirectional, TargetKind[] targets,
        Func<TaskData, TaskPredictions, double, TaskEvaluation>? score = null, Func<TaskDataOptions, TaskEncoding?, int, TaskData>? demo = null,
        Func<Seq2SeqEncoding?, (Seq2SeqData, Seq2SeqData)>? pairDemo = null)
    {
        Name = name;
        Model = model;
        Description = description;
        Formats = formats;
        BidirectionalByDefault = bidirectional;
        Targets = targets;
        _score = score;
        _demo = demo;
        _pairDemo = pairDemo;
    }

    private readonly Func<TaskData, TaskPredictions, double, TaskEvaluation>? _score;
    private readonly Func<TaskDataOptions, TaskEncoding?, int, TaskData>? _demo;
    private readonly Func<Seq2SeqEncoding?, (Seq2SeqData, Seq2SeqData)>? _pairDemo;

    /// <summary>Next-token prediction over a text (char-rnn): <see cref="LanguageModel"/>, trained by <c>Training.Trainer</c>.</summary>
    public static TaskKind LanguageModel { get; } = new("lm", ModelKind.LanguageModel,
        "next-token prediction over a text (char-rnn)", "text files (UTF-8)", bidirectional: false, targets: []);

    /// <summary>A tag per token (slot filling, named entities): a bidirectional stack and a softmax per timestep.</summary>
    public static TaskKind Tagging { get; } = new("tag", ModelKind.Tagger,
        "a tag per token (slot filling, BIO tags)", "CoNLL files: a token per line, its tag in the last column, a blank line between sentences", bidirectional: true,
        [TargetKind.StepClasses], (data, predictions, loss) => new TaskEvaluation(loss, TaskScores.Tagging(data, predictions), null, null),
        (options, encoding, _) => TaskDemos.SlotFilling(options: options, encoding: encoding));

    /// <summary>A class per sequence: the last state (or the mean over timesteps) and a softmax.</summary>
    public static TaskKind Classification { get; } = new("classify", ModelKind.Classifier,
        "a class per sequence", "TSV (label<TAB>text per line), CSV with a header (--label-column, --text-column), or NumPy .npz", bidirectional: false,
        [TargetKind.SequenceClass], (data, predictions, loss) => new TaskEvaluation(loss, null, TaskScores.Confusion(data, predictions), null));

    /// <summary>Real values per sequence or per timestep: a linear output and mean squared error.</summary>
    public static TaskKind Regression { get; } = new("regress", ModelKind.Regressor,
        "real values per sequence or per timestep", "NumPy .npz with arrays inputs [N,T,F], targets [N], [N,O] or [N,T,O], optional lengths [N]", bidirectional: false,
        [TargetKind.SequenceValues, TargetKind.StepValues], (data, predictions, loss) => new TaskEvaluation(loss, null, null, TaskScores.Regression(data, predictions)),
        (_, encoding, timesteps) => TaskDemos.Adding(timesteps: timesteps, encoding: encoding));

    /// <summary>A target sequence per source sequence (an encoder-decoder): pairs of texts, scored by
    /// <see cref="Seq2SeqTaskModel.Evaluate"/> (exact match, token accuracy); its demo is the addition task.</summary>
    public static TaskKind Seq2Seq { get; } = new("seq2seq", ModelKind.Seq2Seq,
        "a target sequence per source sequence (encoder-decoder)", "TSV: source<TAB>target per line", bidirectional: false, targets: [],
        pairDemo: encoding => TaskDemos.Addition(encoding: encoding));

    /// <summary>Every task, in the order help texts list them.</summary>
    public static IReadOnlyList<TaskKind> All { get; } = [LanguageModel, Tagging, Classification, Regression, Seq2Seq];

    /// <summary>Its name in every front door: lm, tag, classify, regress, seq2seq.</summary>
    public string Name { get; }

    /// <summary>The kind of model it trains.</summary>
    public ModelKind Model { get; }

    /// <summary>One line for help texts.</summary>
    public string Description { get; }

    /// <summary>The files it reads, for help texts and errors.</summary>
    public string Formats { get; }

    /// <summary>Whether its stack is bidirectional unless told otherwise (taggers read the whole sentence).</summary>
    public bool BidirectionalByDefault { get; }

    /// <summary>The targets its data has (tag: a class per timestep; regress: values per sequence or per timestep).</summary>
    public IReadOnlyList<TargetKind> Targets { get; }

    /// <summary>True when it has built-in data to train on with no file (<see cref="Demo"/>, or <see cref="PairDemo"/> for seq2seq).</summary>
    public bool HasDemo => _demo is not null || _pairDemo is not null;

    /// <summary>Its built-in data (<see cref="TaskDemos"/>): read with <paramref name="options"/>, fitted when <paramref name="encoding"/>
    /// is null, else encoded with it; <paramref name="timesteps"/>: T of the adding problem.</summary>
    /// <exception cref="InvalidOperationException">The task has no demo (<see cref="HasDemo"/>).</exception>
    public TaskData Demo(TaskDataOptions? options = null, TaskEncoding? encoding = null, int timesteps = TaskDemos.DefaultTimesteps) =>
        (_demo ?? throw new InvalidOperationException(_pairDemo is null ? $"{Name} has no built-in data; it reads {Formats}." : $"{Name}'s built-in data are pairs: see PairDemo."))(options ?? new TaskDataOptions(), encoding, timesteps);

    /// <summary>The built-in pairs of a task of pairs (seq2seq: <see cref="TaskDemos.Addition"/>), training and held-out, fitted when
    /// <paramref name="encoding"/> is null, else encoded with it (a model's).</summary>
    /// <exception cref="InvalidOperationException">The task has no built-in pairs.</exception>
    public (Seq2SeqData Training, Seq2SeqData HeldOut) PairDemo(Seq2SeqEncoding? encoding = null) =>
        (_pairDemo ?? throw new InvalidOperationException($"{Name} has no built-in pairs; it reads {Formats}."))(encoding);

    /// <summary>The evaluation of <paramref name="predictions"/> of <paramref name="data"/> with mean loss <paramref name="loss"/>: the task's metrics.</summary>
    internal TaskEvaluation Score(TaskData data, TaskPredictions predictions, double loss) =>
        (_score ?? throw new InvalidOperationException($"{Name} is not scored from per-sequence predictions (lm: by its loss; seq2seq: by Seq2SeqTaskModel.Evaluate)."))(data, predictions, loss);

    /// <summary>The task of <paramref name="name"/> (lm, tag, classify, regress, seq2seq), or null.</summary>
    public static TaskKind? Find(string name) => All.FirstOrDefault(task => task.Name == name);

    /// <summary>The task whose data has <paramref name="target"/> targets (arrays from memory say only that).</summary>
    public static TaskKind Of(TargetKind target) => All.First(task => task.Targets.Contains(target));

    /// <summary>The task that trains models of <paramref name="model"/>.</summary>
    public static TaskKind Of(ModelKind model) => All.First(task => task.Model == model);

    /// <summary>The names, "lm|tag|classify|regress|seq2seq", for usage lines.</summary>
    public static string Names => string.Join("|", All.Select(task => task.Name));

    /// <inheritdoc/>
    public override string ToString() => Name;
}
