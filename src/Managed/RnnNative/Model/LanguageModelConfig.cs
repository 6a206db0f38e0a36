using RnnNative.Cells;
using RnnNative.Sizes;

namespace RnnNative.Model;

/// <summary>A token-level language model: embedding (or one-hot input), stacked recurrent layers, linear output, softmax;
/// or, with <see cref="CellType.Jordan"/>, one Jordan layer (<see cref="JordanLayer"/>) that owns the output layer and feeds back its softmax.</summary>
/// <param name="VocabularySize">V: tokens the model reads and predicts.</param>
/// <param name="EmbeddingSize">E: features of a token's embedding, the first layer's input; 0 with one-hot input.</param>
/// <param name="Input">What the first layer reads: the token's embedding, or its one-hot vector (V features).</param>
public sealed record LanguageModelConfig(int VocabularySize, int EmbeddingSize, CellType Cell, int HiddenSize, int Layers, Activation Activation = Activation.Tanh, InputEncoding Input = InputEncoding.Embedding)
{
    /// <summary>The recurrent stack between the input and the output layer; its input size is E, or V for one-hot input.</summary>
    public RecurrentConfig Recurrent => new(Cell, Input == InputEncoding.OneHot ? VocabularySize : EmbeddingSize, HiddenSize, Layers, Activation)
    {
        Bidirectional = Bidirectional,
        Dropout = Dropout,
        Initialization = Initialization,
        IdentityScale = IdentityScale,
    };

    /// <summary>A bidirectional stack (<see cref="RecurrentConfig.Bidirectional"/>): a language model refuses it
    /// (<see cref="Validate"/>), since its backward direction would read the tokens it is to predict.</summary>
    public bool Bidirectional { get; init; }

    /// <summary>p of non-recurrent dropout in training (Zaremba et al. 2014): on the input embedding (not on
    /// one-hot input, where dropping its single 1 would drop the whole token, another regularizer), between
    /// stacked layers and before the output layer; 0 turns it off. Evaluation and steps never drop.</summary>
    public float Dropout { get; init; }

    /// <summary>How the stack's weights start (<see cref="RecurrentInitialization.Identity"/>: IRNN, Elman only).</summary>
    public RecurrentInitialization Initialization { get; init; }

    /// <summary>The scale of the identity W_hh of <see cref="RecurrentInitialization.Identity"/>.</summary>
    public float IdentityScale { get; init; } = 1f;

    /// <summary>The output layer: one softmax over all V tokens (default), or class-factored (<see cref="SoftmaxKind.Class"/>).</summary>
    public SoftmaxKind Softmax { get; init; }

    /// <summary>K, the word classes of a class-factored softmax; 0 asks for <see cref="DefaultClasses"/> (round(sqrt(V))).
    /// Must be 0 with the full softmax.</summary>
    public int Classes { get; init; }

    /// <summary>The classes the output layer has: K (or round(sqrt(V)) for 0) with <see cref="SoftmaxKind.Class"/>, 0 with the full softmax.</summary>
    public int ClassCount => Softmax == SoftmaxKind.Class ? (Classes > 0 ? Classes : DefaultClasses(VocabularySize)) : 0;

    /// <summary>K when none is given, for every front door: round(sqrt(V)), which minimises K + V/K, the logits per
    /// token when the classes are of equal size (Mikolov et al. 2011).</summary>
    public static int DefaultClasses(int vocabularySize) => Math.Max(1, (int)Math.Round(Math.Sqrt(vocabularySize)));

    /// <summary>H when none is given, for every front door (CLI --hidden, C hidden_size, Python hidden=None): char-rnn's 128.</summary>
    public const int DefaultHiddenSize = 128;

    /// <summary>L when none is given, for every front door: char-rnn's 2.</summary>
    public const int DefaultLayers = 2;

    /// <summary>L when none is given for <paramref name="cell"/>: <paramref name="stackLayers"/> (a stack's default, such as
    /// <see cref="DefaultLayers"/>) for a stack cell, 1 for a Jordan network, which has one layer.</summary>
    public static int DefaultLayersOf(CellType cell, int stackLayers = DefaultLayers) => CellKind.Of(cell).IsStackCell ? stackLayers : 1;

    /// <summary>The model every front door makes when told only the vocabulary size: char-rnn's LSTM of
    /// <see cref="DefaultLayers"/> x <see cref="DefaultHiddenSize"/>, embedding left to <see cref="WithDefaults"/>.</summary>
    public static LanguageModelConfig Default(int vocabularySize) =>
        new(vocabularySize, EmbeddingSize: 0, CellType.Lstm, DefaultHiddenSize, DefaultLayers);

    /// <summary>E when none is given, for every front door (CLI --embedding, C embedding_size 0, Python embedding=None): min(H, 64).</summary>
    public static int DefaultEmbeddingSize(int hiddenSize) => Math.Min(hiddenSize, 64);

    /// <summary>This config with <see cref="DefaultEmbeddingSize"/> filled in when it asks for an embedding of size 0.</summary>
    public LanguageModelConfig WithDefaults() =>
        Input == InputEncoding.Embedding && EmbeddingSize == 0 ? this with { EmbeddingSize = DefaultEmbeddingSize(HiddenSize) } : this;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(VocabularySize, 2, nameof(VocabularySize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(VocabularySize, 1 << 22, nameof(VocabularySize));
        if (!Enum.IsDefined(Input))
        {
            throw new ArgumentOutOfRangeException(nameof(Input), Input, "unknown input encoding");
        }
        if (Input == InputEncoding.Dense)
        {
            throw new ArgumentOutOfRangeException(nameof(Input), Input, "a language model reads tokens (embedding or one-hot input), not dense floats.");
        }
        if (Input == InputEncoding.OneHot)
        {
            if (EmbeddingSize != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), EmbeddingSize, "must be 0 with one-hot input, which has no embedding (the first layer reads the V one-hot features).");
            }
            // The first layer reads V features: the stack's input limit applies to V.
            ArgumentOutOfRangeException.ThrowIfGreaterThan(VocabularySize, RecurrentConfig.MaxInputSize, nameof(VocabularySize));
        }
        if (Bidirectional)
        {
            throw new ArgumentException("a language model predicts each token from the ones before it, so its stack cannot be bidirectional (the backward direction would read the token to predict); bidirectional stacks are for whole-sequence tasks.", nameof(Bidirectional));
        }
        // A Jordan network: one layer in one direction (refused here, naming Layers, before anything else of the stack).
        Recurrent.Validate();
        if (!Recurrent.Kind.IsStackCell)
        {
            ValidateJordan();
        }
        BufferLength.Of(nameof(EmbeddingSize), $"the embedding [V={VocabularySize}, E={EmbeddingSize}]", VocabularySize, EmbeddingSize);
        BufferLength.Of(nameof(HiddenSize), $"the decoder [V={VocabularySize}, H+1={HiddenSize + 1}]", VocabularySize, HiddenSize + 1L);
        if (!Enum.IsDefined(Softmax))
        {
            throw new ArgumentOutOfRangeException(nameof(Softmax), Softmax, "unknown softmax kind");
        }
        if (Softmax == SoftmaxKind.Full && Classes != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Classes), Classes, "must be 0 with the full softmax, which has no word classes.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(Classes, nameof(Classes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Classes, VocabularySize, nameof(Classes));
    }

    /// <summary>The checks of a Jordan network beyond its recurrent config's: its dropout has a place, its parameters fit one vector.</summary>
    private void ValidateJordan()
    {
        if (Dropout != 0 && Input != InputEncoding.Embedding)
        {
            // The output layer is inside the recurrence and no layer is above: the embedding is the only thing to drop.
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, $"a {Recurrent.Kind.DisplayName} network drops only an embedding input, and one-hot input has none: dropout must be 0.");
        }
        if (Softmax != SoftmaxKind.Full)
        {
            // Its output y is fed back whole: the network needs every word's probability at every timestep.
            throw new ArgumentException($"a {Recurrent.Kind.DisplayName} network feeds back its whole softmax output, so it has the full softmax only.", nameof(Softmax));
        }
        JordanLayer.ParameterCount(Recurrent.InputSize, HiddenSize, VocabularySize);
    }

    /// <summary>Features per layer and stream of the state carried between windows and steps (<see cref="RecurrentState"/>):
    /// H for a stack, whose state is its hidden (and cell) state [L, B, H]; V for a Jordan network, whose state is its
    /// last output y [1, B, V], the softmax probabilities it feeds back.</summary>
    public int StateSize => Recurrent.Kind.IsStackCell ? HiddenSize : VocabularySize;

    /// <summary>PyTorch's <c>CharRnn</c> state_dict names and shapes, in file order: <c>embedding.weight</c>
    /// [V, E] (absent with one-hot input), <c>rnn.*</c> (<see cref="RecurrentConfig.TensorShapes"/>),
    /// <c>decoder.weight</c> [V, H], <c>decoder.bias</c> [V]; with the class-factored softmax first
    /// <c>decoder.class_weight</c> [K, H] and <c>decoder.class_bias</c> [K], and the rows of <c>decoder.*</c> in the
    /// model's class order (<see cref="WordClasses"/>). Lets loaders check a file against a config before allocating the model.
    /// A Jordan network: <c>embedding.weight</c>, then its <see cref="JordanLayer.TensorShapes"/> (<c>rnn.weight_ih_l0</c>,
    /// <c>rnn.weight_yh_l0</c>, <c>rnn.bias_l0</c>, <c>decoder.weight</c>, <c>decoder.bias</c>), as a sequence model's.</summary>
    public IEnumerable<(string Name, int[] Shape)> TensorShapes()
    {
        if (Input != InputEncoding.OneHot)
        {
            yield return ("embedding.weight", [VocabularySize, EmbeddingSize]);
        }
        if (!Recurrent.Kind.IsStackCell)
        {
            foreach ((string Name, int[] Shape) tensor in JordanLayer.TensorShapes(Recurrent.InputSize, HiddenSize, VocabularySize))
            {
                yield return tensor;
            }
            yield break;
        }
        foreach ((string name, int[] shape) in Recurrent.TensorShapes())
        {
            yield return ("rnn." + name, shape);
        }
        if (Softmax == SoftmaxKind.Class)
        {
            yield return ("decoder.class_weight", [ClassCount, HiddenSize]);
            yield return ("decoder.class_bias", [ClassCount]);
        }
        yield return ("decoder.weight", [VocabularySize, HiddenSize]);
        yield return ("decoder.bias", [VocabularySize]);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="stepsName"/>
    /// (or <paramref name="batchName"/>) when a window of <paramref name="steps"/> timesteps by
    /// <paramref name="batch"/> streams needs a buffer larger than <see cref="BufferLength.Max"/>:
    /// logits [T*B, V], gates [T*B, G*H], hidden states [(T+1)*B, H], inputs [T*B, I], the token table
    /// [V, G*H] (windows of more than V rows) and the state [L, B, H]. Trainers and evaluations call it
    /// when they are created, so a window too large fails there, naming the caller's argument.</summary>
    public void ValidateWindow(int steps, int batch, string stepsName, string batchName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1, stepsName);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1, batchName);
        BufferLength.Of(batchName, $"the recurrent state [L={Layers}, B={batch}, {(Recurrent.Kind.IsStackCell ? "H" : "V")}={StateSize}]", Layers, batch, StateSize);
        long rows = (long)steps * batch, gateWidth = Recurrent.GateCount * (long)HiddenSize;
        string window = $"a window of {steps} timesteps x {batch} streams";
        BufferLength.Of(stepsName, $"{window}: its logits [T*B, V={VocabularySize}]", rows, VocabularySize);
        BufferLength.Of(stepsName, $"{window}: its gates [T*B, G*H={gateWidth}]", rows, gateWidth);
        BufferLength.Of(stepsName, $"{window}: its hidden states [(T+1)*B, H={HiddenSize}]", rows + batch, HiddenSize);
        BufferLength.Of(stepsName, $"{window}: its inputs [T*B, I={Recurrent.InputSize}]", rows, Recurrent.InputSize);
        if (rows > VocabularySize)
        {
            BufferLength.Of(stepsName, $"{window}: its token table [V={VocabularySize}, G*H={gateWidth}]", VocabularySize, gateWidth);
        }
    }
}
