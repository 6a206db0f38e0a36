using RnnNative.Model;

namespace RnnNative.Tasks;

/// <summary>
/// The table of tasks: what each front door calls a task (<c>rnn train --task tag</c>, the C model kinds,
/// Python's <c>Model.tagger</c>), which kind of model it trains, and the files it reads. Nothing else
/// switches on the task: front doors look their task up here.
/// </summary>
public sealed class TaskKind
{
    private TaskKind(string name, ModelKind model, string description, string formats, bool bidirectional)
    {
        Name = name;
        Model = model;
        Description = description;
        Formats = formats;
        BidirectionalByDefault = bidirectional;
    }

    /// <summary>Next-token prediction over a text (char-rnn): <see cref="LanguageModel"/>, trained by <c>Training.Trainer</c>.</summary>
    public static TaskKind LanguageModel { get; } = new("lm", ModelKind.LanguageModel,
        "next-token prediction over a text (char-rnn)", "text files (UTF-8)", bidirectional: false);

    /// <summary>A tag per token (slot filling, named entities): a bidirectional stack and a softmax per timestep.</summary>
    public static TaskKind Tagging { get; } = new("tag", ModelKind.Tagger,
        "a tag per token (slot filling, BIO tags)", "CoNLL files: a token per line, its tag in the last column, a blank line between sentences", bidirectional: true);

    /// <summary>A class per sequence: the last state (or the mean over timesteps) and a softmax.</summary>
    public static TaskKind Classification { get; } = new("classify", ModelKind.Classifier,
        "a class per sequence", "TSV (label<TAB>text per line), CSV with a header (--label-column, --text-column), or NumPy .npz", bidirectional: false);

    /// <summary>Real values per sequence or per timestep: a linear output and mean squared error.</summary>
    public static TaskKind Regression { get; } = new("regress", ModelKind.Regressor,
        "real values per sequence or per timestep", "NumPy .npz with arrays inputs [N,T,F], targets [N], [N,O] or [N,T,O], optional lengths [N]", bidirectional: false);

    /// <summary>Every task, in the order help texts list them.</summary>
    public static IReadOnlyList<TaskKind> All { get; } = [LanguageModel, Tagging, Classification, Regression];

    /// <summary>Its name in every front door: lm, tag, classify, regress.</summary>
    public string Name { get; }

    /// <summary>The kind of model it trains.</summary>
    public ModelKind Model { get; }

    /// <summary>One line for help texts.</summary>
    public string Description { get; }

    /// <summary>The files it reads, for help texts and errors.</summary>
    public string Formats { get; }

    /// <summary>Whether its stack is bidirectional unless told otherwise (taggers read the whole sentence).</summary>
    public bool BidirectionalByDefault { get; }

    /// <summary>The task of <paramref name="name"/> (lm, tag, classify, regress), or null.</summary>
    public static TaskKind? Find(string name) => All.FirstOrDefault(task => task.Name == name);

    /// <summary>The task that trains models of <paramref name="model"/>.</summary>
    public static TaskKind Of(ModelKind model) => All.First(task => task.Model == model);

    /// <summary>The names, "lm|tag|classify|regress", for usage lines.</summary>
    public static string Names => string.Join("|", All.Select(task => task.Name));

    /// <inheritdoc/>
    public override string ToString() => Name;
}
