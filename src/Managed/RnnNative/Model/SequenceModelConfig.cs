using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Sizes;

namespace RnnNative.Model;

/// <summary>
/// A whole-sequence model: an input part (token embedding, one-hot or dense floats), the recurrent stack,
/// and the head of <see cref="Kind"/> (a tagger's softmax per timestep, a classifier's softmax over a pooled
/// vector, a regressor's linear output). With <see cref="CellType.Jordan"/>, one Jordan layer (<see cref="JordanLayer"/>)
/// replaces the stack and the head: it owns the output layer and feeds back its softmax (tagger, classifier) or
/// linear (regressor) output; one layer, one direction, default initialization, dropout on an embedding input only.
/// </summary>
/// <param name="Kind">Tagger, classifier or regressor (not <see cref="ModelKind.LanguageModel"/>, which is <see cref="LanguageModelConfig"/>, nor <see cref="ModelKind.Seq2Seq"/>, which is <see cref="Seq2SeqConfig"/>).</param>
/// <param name="Outputs">Tags (tagger), classes (classifier) or O values per target (regressor).</param>
public sealed record SequenceModelConfig(ModelKind Kind, CellType Cell, int HiddenSize, int Layers, int Outputs)
{
    /// <summary>What the first layer reads: token embeddings (default), one-hot tokens, or dense floats.</summary>
    public InputEncoding Input { get; init; } = InputEncoding.Embedding;

    /// <summary>V: input tokens (embedding and one-hot input); 0 with dense input.</summary>
    public int VocabularySize { get; init; }

    /// <summary>E: features of a token's embedding (embedding input only).</summary>
    public int EmbeddingSize { get; init; }

    /// <summary>F: floats per timestep (dense input only).</summary>
    public int FeatureSize { get; init; }

    /// <summary>The Elman cell's nonlinearity.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>A bidirectional stack (outputs [T, B, 2H]).</summary>
    public bool Bidirectional { get; init; }

    /// <summary>p of non-recurrent dropout in training (input embedding, between layers, before the head; a Jordan network's
    /// embedding only).</summary>
    public float Dropout { get; init; }

    /// <summary>How the stack's weights start.</summary>
    public RecurrentInitialization Initialization { get; init; }

    /// <summary>The scale of IRNN's identity W_hh.</summary>
    public float IdentityScale { get; init; } = 1f;

    /// <summary>How a classifier (or a regressor at the end) turns a sequence's outputs into one vector: the stack's outputs
    /// before the head, or a Jordan network's logits z (Last: z at the sequence's last timestep; Mean: the mean of z over its timesteps).</summary>
    public SequencePooling Pooling { get; init; }

    /// <summary>A regressor's targets: per timestep (true) or one per sequence (false).</summary>
    public bool PerStep { get; init; }

    /// <summary>True when the head reads every timestep (a tagger, a per-step regressor), false when it reads one pooled vector per sequence.</summary>
    public bool HeadPerTimestep => Kind == ModelKind.Tagger || (Kind == ModelKind.Regressor && PerStep);

    /// <summary>The targets a batch for this model carries: a class per timestep (tagger), a class per sequence
    /// (classifier), or O values per sequence or per timestep (regressor).</summary>
    public TargetKind Target => Kind switch
    {
        ModelKind.Tagger => TargetKind.StepClasses,
        ModelKind.Classifier => TargetKind.SequenceClass,
        _ => PerStep ? TargetKind.StepValues : TargetKind.SequenceValues,
    };

    /// <summary>The recurrent stack between the input part and the head; its input size is E (embedding), V (one-hot) or F (dense).</summary>
    public RecurrentConfig Recurrent => new(Cell, Input switch { InputEncoding.OneHot => VocabularySize, InputEncoding.Dense => FeatureSize, _ => EmbeddingSize }, HiddenSize, Layers, Activation)
    {
        Bidirectional = Bidirectional,
        Dropout = Dropout,
        Initialization = Initialization,
        IdentityScale = IdentityScale,
    };

    /// <summary>This config with <see cref="LanguageModelConfig.DefaultEmbeddingSize"/> filled in when it asks for an embedding of size 0.</summary>
    public SequenceModelConfig WithDefaults() =>
        Input == InputEncoding.Embedding && EmbeddingSize == 0 ? this with { EmbeddingSize = LanguageModelConfig.DefaultEmbeddingSize(HiddenSize) } : this;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind) || Kind is ModelKind.LanguageModel or ModelKind.Seq2Seq)
        {
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "a sequence model is a tagger, a classifier or a regressor (a language model is a LanguageModelConfig, an encoder-decoder a Seq2SeqConfig).");
        }
        if (!Enum.IsDefined(Input))
        {
            throw new ArgumentOutOfRangeException(nameof(Input), Input, "unknown input encoding");
        }
        if (!Enum.IsDefined(Pooling))
        {
            throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, "unknown pooling");
        }
        // A softmax over one class learns nothing; a regressor may predict one value.
        ArgumentOutOfRangeException.ThrowIfLessThan(Outputs, Kind == ModelKind.Regressor ? 1 : 2, nameof(Outputs));
        if (PerStep && Kind != ModelKind.Regressor)
        {
            throw new ArgumentException($"only a regressor chooses between per-step and per-sequence targets; a {Kind} has {Target} targets.", nameof(PerStep));
        }
        if (Pooling != SequencePooling.Last && HeadPerTimestep)
        {
            throw new ArgumentException($"a {(Kind == ModelKind.Tagger ? "tagger" : "per-step regressor")} predicts at every timestep and pools nothing.", nameof(Pooling));
        }
        if (Input == InputEncoding.Dense)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(FeatureSize, 1, nameof(FeatureSize));
            if (VocabularySize != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(VocabularySize), VocabularySize, "must be 0 with dense input, which reads floats, not tokens.");
            }
            if (EmbeddingSize != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), EmbeddingSize, "must be 0 with dense input, which has no embedding.");
            }
        }
        else
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(VocabularySize, 2, nameof(VocabularySize));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(VocabularySize, 1 << 22, nameof(VocabularySize));
            if (FeatureSize != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(FeatureSize), FeatureSize, "must be 0 with token input (features are for dense input).");
            }
            if (Input == InputEncoding.OneHot && EmbeddingSize != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), EmbeddingSize, "must be 0 with one-hot input, which has no embedding (the first layer reads the V one-hot features).");
            }
            if (Input == InputEncoding.Embedding)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(EmbeddingSize, 1, nameof(EmbeddingSize));
            }
        }
        // One layer, one direction, no identity initialization for a Jordan cell: the recurrent config refuses the rest.
        Recurrent.Validate();
        if (!Recurrent.Kind.IsStackCell)
        {
            ValidateJordan();
        }
        BufferLength.Of(nameof(EmbeddingSize), $"the embedding [V={VocabularySize}, E={EmbeddingSize}]", VocabularySize, EmbeddingSize);
        BufferLength.Of(nameof(HiddenSize), $"the decoder [C={Outputs}, D*H+1={Recurrent.OutputSize + 1}]", Outputs, Recurrent.OutputSize + 1L);
    }

    /// <summary>The checks of a Jordan network beyond its recurrent config's: its dropout has a place, its parameters fit one vector.</summary>
    private void ValidateJordan()
    {
        if (Dropout != 0 && Input != InputEncoding.Embedding)
        {
            // No layer above to feed and the output layer inside the recurrence: the embedding is the only thing to drop.
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, $"a {Recurrent.Kind.DisplayName} network drops only an embedding input, and {Input} input has none: dropout must be 0.");
        }
        JordanLayer.ParameterCount(Recurrent.InputSize, HiddenSize, Outputs);
    }

    /// <summary>The state_dict names and shapes, in file order: <c>embedding.weight</c> [V, E] (embedding input only),
    /// <c>rnn.*</c> (<see cref="RecurrentConfig.TensorShapes"/>), <c>decoder.weight</c> [C, D*H], <c>decoder.bias</c> [C]
    /// (C = <see cref="Outputs"/>); a Jordan network's <see cref="JordanLayer.TensorShapes"/> (its rnn.* and decoder.*) in place of
    /// the stack's and the decoder's. Lets loaders check a file against a config before allocating the model.</summary>
    public IEnumerable<(string Name, int[] Shape)> TensorShapes()
    {
        if (Input == InputEncoding.Embedding)
        {
            yield return ("embedding.weight", [VocabularySize, EmbeddingSize]);
        }
        if (!Recurrent.Kind.IsStackCell)
        {
            foreach ((string Name, int[] Shape) tensor in JordanLayer.TensorShapes(Recurrent.InputSize, HiddenSize, Outputs))
            {
                yield return tensor;
            }
            yield break;
        }
        foreach ((string name, int[] shape) in Recurrent.TensorShapes())
        {
            yield return ("rnn." + name, shape);
        }
        yield return ("decoder.weight", [Outputs, Recurrent.OutputSize]);
        yield return ("decoder.bias", [Outputs]);
    }
}
