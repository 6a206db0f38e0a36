using RnnNative.Cells;
using RnnNative.Model;

namespace RnnNative.Tasks;

/// <summary>
/// What a front door may choose of a new task model; everything left null takes the task's default here, once
/// for every front door: an LSTM of <see cref="DefaultLayers"/> x <see cref="DefaultHiddenSize"/>, bidirectional for
/// tagging (<see cref="TaskKind.BidirectionalByDefault"/>), an embedding of min(H, 64) for token inputs.
/// </summary>
public sealed record TaskModelOptions
{
    /// <summary>H when none is given: 128.</summary>
    public const int DefaultHiddenSize = 128;

    /// <summary>L when none is given: 1 (whole-sequence tasks read short sequences; a tagger is bidirectional instead).</summary>
    public const int DefaultLayers = 1;

    /// <summary>The recurrent cell (Elman, LSTM, GRU or Jordan).</summary>
    public CellType Cell { get; init; } = CellType.Lstm;

    /// <summary>H; null: <see cref="DefaultHiddenSize"/>.</summary>
    public int? HiddenSize { get; init; }

    /// <summary>L; null: <see cref="DefaultLayers"/>.</summary>
    public int? Layers { get; init; }

    /// <summary>E of token inputs; null: min(H, 64); 0: one-hot input.</summary>
    public int? EmbeddingSize { get; init; }

    /// <summary>A bidirectional stack; null: the task's default.</summary>
    public bool? Bidirectional { get; init; }

    /// <summary>The Elman and Jordan cells' nonlinearity.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>p of non-recurrent dropout in training.</summary>
    public float Dropout { get; init; }

    /// <summary>How the stack's weights start (identity: IRNN).</summary>
    public RecurrentInitialization Initialization { get; init; }

    /// <summary>IRNN's identity scale.</summary>
    public float IdentityScale { get; init; } = 1f;

    /// <summary>A classifier's (and a regressor at the end's) pooling over timesteps.</summary>
    public SequencePooling Pooling { get; init; }

    /// <summary>The seed of the initial weights.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The model config of <paramref name="task"/> over data of <paramref name="encoding"/> with these options.</summary>
    /// <exception cref="ArgumentException">An option is out of range or does not suit the task (the message names it).</exception>
    public SequenceModelConfig Resolve(TaskKind task, TaskEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(encoding);
        if (task == TaskKind.LanguageModel)
        {
            throw new ArgumentException("a language model is made from a LanguageModelConfig, not task options.", nameof(task));
        }
        if (task == TaskKind.Seq2Seq)
        {
            throw new ArgumentException("a seq2seq model is made by Seq2SeqTaskModel.Create (Seq2SeqTaskModel.Resolve), not as a sequence model.", nameof(task));
        }
        bool perTimestep = encoding.Target is Data.TargetKind.StepClasses or Data.TargetKind.StepValues;
        if (perTimestep && Pooling != SequencePooling.Last)
        {
            throw new ArgumentException($"{task.Name} predicts at every timestep and pools nothing; pooling is for a class or values per sequence.", nameof(Pooling));
        }
        int hidden = HiddenSize ?? DefaultHiddenSize;
        bool dense = encoding.FeatureSize > 0;
        int embedding = dense ? 0 : EmbeddingSize ?? LanguageModelConfig.DefaultEmbeddingSize(hidden);
        SequenceModelConfig config = new(task.Model, Cell, hidden, Layers ?? DefaultLayers, encoding.Outputs)
        {
            Input = dense ? InputEncoding.Dense : embedding == 0 ? InputEncoding.OneHot : InputEncoding.Embedding,
            VocabularySize = encoding.VocabularySize,
            EmbeddingSize = embedding,
            FeatureSize = encoding.FeatureSize,
            Activation = Activation,
            // The Jordan network is one forward layer (Jordan 1986): a tagger of it reads left to right.
            Bidirectional = Bidirectional ?? (task.BidirectionalByDefault && CellKind.Of(Cell).IsStackCell),
            Dropout = Dropout,
            Initialization = Initialization,
            IdentityScale = IdentityScale,
            Pooling = Pooling,
            PerStep = encoding.Target == Data.TargetKind.StepValues,
        };
        config.Validate();
        return config;
    }
}
