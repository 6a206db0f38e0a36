using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Sampling;

namespace RnnNative.Tasks;

/// <summary>A seq2seq task model read back from a file, with the training state when the file is a resumable checkpoint.
/// (<see cref="RnnNative.Model.LoadedSeq2SeqModel"/> is the engine's record of the file's parts.)</summary>
public sealed record LoadedSeq2SeqTaskModel(Seq2SeqTaskModel Model, Runs.TrainingOptions? Options, Runs.TrainingSnapshot? Training);

/// <summary>
/// An encoder-decoder with what it takes to read and write text: the <see cref="Seq2SeqModel"/> and the
/// <see cref="Seq2SeqEncoding"/> (source and target vocabularies) its training pairs fixed. What a seq2seq model file holds,
/// and what every front door translates and evaluates with. Decoding runs sources in batches, one
/// <see cref="Seq2SeqModel.StartDecoding"/> per batch, through <see cref="GreedySearch"/> or <see cref="BeamSearch"/>.
/// Not thread-safe (the model's buffers): one call at a time.
/// </summary>
public sealed class Seq2SeqTaskModel
{
    /// <summary>He = Hd when none is given: 128 (tuned on the addition demo, <see cref="TaskDemos.Addition"/>: a 1x256 LSTM learns
    /// as much per update but each costs about three times as long).</summary>
    public const int DefaultHiddenSize = 128;

    /// <summary>Le = Ld when none is given: 1.</summary>
    public const int DefaultLayers = 1;

    /// <summary>Sources per decoding batch when none is given.</summary>
    public const int DefaultBatchSize = 64;

    /// <summary>Greedy decoding's most tokens per target when none is given (<see cref="BeamOptions.MaxLength"/>'s default).</summary>
    public const int DefaultMaxLength = 64;

    /// <summary>A model of <paramref name="model"/>'s weights over <paramref name="encoding"/>'s vocabularies.</summary>
    /// <exception cref="ArgumentException">The model's vocabulary sizes are not the encoding's.</exception>
    public Seq2SeqTaskModel(Seq2SeqModel model, Seq2SeqEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoding);
        Seq2SeqConfig c = model.Config;
        if (c.SourceVocabularySize != encoding.Source.Count || c.TargetVocabularySize != encoding.Target.Count)
        {
            throw new ArgumentException($"a seq2seq model of {c.SourceVocabularySize} source and {c.TargetVocabularySize} target ids does not fit vocabularies of {encoding.Source.Count} and {encoding.Target.Count}.", nameof(model));
        }
        Model = model;
        Encoding = encoding;
    }

    /// <summary>The network.</summary>
    public Seq2SeqModel Model { get; }

    /// <summary>Its source and target vocabularies.</summary>
    public Seq2SeqEncoding Encoding { get; }

    /// <summary>
    /// A new model for the pairs <paramref name="training"/> (its vocabularies), its weights drawn from the options' seed. Of
    /// <paramref name="options"/> (null: all defaults) it reads the cell, H (<see cref="DefaultHiddenSize"/>), L
    /// (<see cref="DefaultLayers"/>), the embedding size (null: min(H, 64); a seq2seq model always embeds), a bidirectional
    /// encoder (default: one direction), the activation, dropout and initialization; the decoder has the encoder's sizes.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range or does not suit a seq2seq model (the message names it).</exception>
    public static Seq2SeqTaskModel Create(Seq2SeqData training, TaskModelOptions? options = null, KernelSet? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        options ??= new TaskModelOptions();
        Seq2SeqModel model = new(Resolve(options, training.Encoding), kernels);
        model.Initialize(options.Seed);
        return new Seq2SeqTaskModel(model, training.Encoding);
    }

    /// <summary>Loads a model file written by <see cref="Save"/> (or a <see cref="Seq2SeqTraining"/> checkpoint, whose training state
    /// comes with it); a <see cref="IO.CheckpointFormatException"/> names what is wrong, and another kind of model's file is refused.</summary>
    public static LoadedSeq2SeqTaskModel Load(string path, KernelSet? kernels = null) => Loaded(Seq2SeqModelFile.Load(path, kernels));

    /// <summary>As <see cref="Load(string, KernelSet?)"/>, from memory.</summary>
    public static LoadedSeq2SeqTaskModel Load(ReadOnlySpan<byte> bytes, KernelSet? kernels = null) => Loaded(Seq2SeqModelFile.Load(bytes, kernels));

    private static LoadedSeq2SeqTaskModel Loaded(RnnNative.Model.LoadedSeq2SeqModel file) =>
        new(new Seq2SeqTaskModel(file.Model, new Seq2SeqEncoding(file.Source, file.Target)), file.Options, file.Training);

    /// <summary>Writes the model and both vocabularies to <paramref name="path"/>, atomically.</summary>
    public void Save(string path) => Seq2SeqModelFile.Save(path, Model, Encoding.Source, Encoding.Target);

    /// <summary>Writes a resumable checkpoint: the model's file with the run's <paramref name="options"/> and <paramref name="training"/> state.</summary>
    internal void SaveCheckpoint(string path, Runs.TrainingOptions options, Runs.TrainingSnapshot training) =>
        Seq2SeqModelFile.Save(path, Model, Encoding.Source, Encoding.Target, options, training);

    /// <summary>The bytes <see cref="Save(string)"/> writes, for hosts that store models themselves.</summary>
    public byte[] ToBytes() => Seq2SeqModelFile.ToBytes(Model, Encoding.Source, Encoding.Target);

    /// <summary>The model config of <paramref name="options"/> over <paramref name="encoding"/>'s vocabularies.</summary>
    /// <exception cref="ArgumentException">An option is out of range or does not suit a seq2seq model (the message names it).</exception>
    public static Seq2SeqConfig Resolve(TaskModelOptions options, Seq2SeqEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(encoding);
        if (options.EmbeddingSize == 0)
        {
            throw new ArgumentException("a seq2seq model embeds its tokens: give an embedding size of at least 1, or none for min(H, 64).", nameof(options.EmbeddingSize));
        }
        if (options.Pooling != SequencePooling.Last)
        {
            throw new ArgumentException("a seq2seq model pools nothing: its decoder reads the encoder's final state.", nameof(options.Pooling));
        }
        Seq2SeqConfig config = new(options.Cell, encoding.Source.Count, encoding.Target.Count, options.HiddenSize ?? DefaultHiddenSize, options.Layers ?? DefaultLayers)
        {
            EmbeddingSize = options.EmbeddingSize ?? 0,
            Bidirectional = options.Bidirectional ?? TaskKind.Seq2Seq.BidirectionalByDefault,
            Activation = options.Activation,
            Dropout = options.Dropout,
            Initialization = options.Initialization,
            IdentityScale = options.IdentityScale,
        };
        config.Validate();
        return config.WithDefaults();
    }

    /// <summary>
    /// The target of every source, in order: each source split into units by the source vocabulary (a unit it does not hold
    /// reads as unknown), decoded in batches of <paramref name="batchSize"/> sources of similar length, greedily
    /// (<paramref name="beam"/> null; at most <paramref name="maxLength"/> tokens) or by beam search (<paramref name="beam"/>'s
    /// width and maximum length; the best-scoring hypothesis), and written with the target vocabulary.
    /// </summary>
    /// <exception cref="ArgumentException">A source has no unit (empty, or only whitespace split into words); the message gives its index.</exception>
    public Translation[] Translate(IReadOnlyList<string> sources, BeamOptions? beam = null, int maxLength = DefaultMaxLength, int batchSize = DefaultBatchSize) =>
        Translate(EncodeSources(sources), beam, maxLength, batchSize);

    /// <summary>As <see cref="Translate(IReadOnlyList{string}, BeamOptions?, int, int)"/> for sources given as ids of the source
    /// vocabulary (a host's arrays): each at least one id; the model checks the ids.</summary>
    /// <exception cref="ArgumentException">A source is empty (the message gives its index), or an id is outside the source vocabulary.</exception>
    public Translation[] Translate(IReadOnlyList<int[]> sources, BeamOptions? beam = null, int maxLength = DefaultMaxLength, int batchSize = DefaultBatchSize)
    {
        DecodedSequence[] decoded = Decode(Checked(sources), beam, maxLength, batchSize);
        return [.. decoded.Select(d => new Translation(Encoding.Target.Decode(d.Tokens), d.Tokens, d.LogProbability, d.Score, d.Finished))];
    }

    /// <summary>The source vocabulary's ids of every source (a unit it does not hold reads as unknown).</summary>
    /// <exception cref="ArgumentException">A source has no unit (empty, or only whitespace split into words); the message gives its index.</exception>
    public int[][] EncodeSources(IReadOnlyList<string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        int[][] ids = new int[sources.Count][];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = Encoding.Source.Encode(sources[i] ?? throw new ArgumentNullException(nameof(sources), $"source {i} is null"));
            if (ids[i].Length == 0)
            {
                throw new ArgumentException($"source {i} has no {(Encoding.Source.Unit == TokenUnit.Words ? "word" : "character")} to translate.", nameof(sources));
            }
        }
        return ids;
    }

    /// <summary>
    /// Encodes every source at once and returns the decoding session (one row per source, in order) for a host that drives
    /// the search itself: <see cref="IStepDecoder.Step"/> from <see cref="Data.SpecialTokens.Start"/>, <see cref="IStepDecoder.Reorder"/>
    /// for a beam. It runs on this model's buffers (see <see cref="Seq2SeqModel.StartDecoding"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A source is empty, or an id is outside the source vocabulary.</exception>
    public IStepDecoder StartDecoding(IReadOnlyList<int[]> sources)
    {
        int[][] ids = Checked(sources);
        return StartDecoding(ids, [.. Enumerable.Range(0, ids.Length)]);
    }

    private static int[][] Checked(IReadOnlyList<int[]> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        int[][] ids = [.. sources];
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] is not { Length: > 0 }) throw new ArgumentException($"source {i} has no token to translate.", nameof(sources));
        }
        return ids;
    }

    /// <summary>
    /// The teacher-forced loss and the decoded scores (<see cref="Seq2SeqEvaluation"/>: exact match, token accuracy) over
    /// <paramref name="data"/>, read with this model's encoding. Decoding is greedy (<paramref name="beam"/> null), up to
    /// max(<see cref="DefaultMaxLength"/>, twice the longest target) tokens so no target is out of reach, or by beam search.
    /// </summary>
    /// <exception cref="ArgumentException">The data has ids outside this model's vocabularies (read with another encoding).</exception>
    public Seq2SeqEvaluation Evaluate(Seq2SeqData data, BeamOptions? beam = null, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        PairSet set = data.Set;
        Encoding.Check(set, data.Source);
        double loss = 0;
        long positions = 0;
        PairBatcher batcher = new(set, batchSize, BatchOrder.InOrder);
        while (batcher.Next(out Seq2SeqBatch batch))
        {
            loss += Model.EvaluateBatch(batch);
            positions += Model.LossTerms(batch);
        }
        int[][] sources = [.. Enumerable.Range(0, set.Count).Select(i => set.Source(i).ToArray())];
        DecodedSequence[] decoded = Decode(sources, beam, Math.Max(DefaultMaxLength, 2 * set.MaxTargetLength), batchSize);
        return Seq2SeqEvaluation.Of(loss / positions, set, decoded);
    }

    /// <summary>Decodes <paramref name="sources"/> (ids, each at least one) in batches of similar length; one sequence per source, in order.</summary>
    private DecodedSequence[] Decode(int[][] sources, BeamOptions? beam, int maxLength, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (beam is null) ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        else beam.Validate();
        // Sorted by length, a batch's sources pad little; the results go back to their sources' places.
        int[] order = [.. Enumerable.Range(0, sources.Length).OrderBy(i => sources[i].Length)];
        DecodedSequence[] results = new DecodedSequence[sources.Length];
        for (int first = 0; first < order.Length; first += batchSize)
        {
            ReadOnlySpan<int> batch = order.AsSpan(first, Math.Min(batchSize, order.Length - first));
            IStepDecoder decoder = StartDecoding(sources, batch);
            DecodedSequence[] decoded = beam is null ? GreedySearch.Decode(decoder, maxLength) : [.. BeamSearch.Decode(decoder, beam).Select(hypotheses => hypotheses[0])];
            for (int b = 0; b < batch.Length; b++) results[batch[b]] = decoded[b];
        }
        return results;
    }

    /// <summary>Encodes the sources <paramref name="batch"/> (indices into <paramref name="sources"/>) as B columns, time-major [Ts*B], padded.</summary>
    private IStepDecoder StartDecoding(int[][] sources, ReadOnlySpan<int> batch)
    {
        int b = batch.Length, timesteps = 0;
        foreach (int i in batch) timesteps = Math.Max(timesteps, sources[i].Length);
        int[] tokens = new int[timesteps * b];   // [Ts*B], padding (0) past each length
        int[] lengths = new int[b];
        for (int column = 0; column < b; column++)
        {
            int[] source = sources[batch[column]];
            lengths[column] = source.Length;
            for (int t = 0; t < source.Length; t++) tokens[t * b + column] = source[t];
        }
        return Model.StartDecoding(tokens, lengths, timesteps);
    }
}
