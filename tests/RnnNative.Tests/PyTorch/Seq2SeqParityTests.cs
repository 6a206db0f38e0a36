using System.Globalization;
using Xunit.Abstractions;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.IO;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.PyTorch;

/// <summary>One encoder-decoder case: its config, the seed of its weights, its batch, and PyTorch's results.</summary>
public sealed record Seq2SeqCase(Seq2SeqConfig Config, int Seed, Seq2SeqBatch Batch, SafetensorsReader Torch)
{
    public double TorchLoss => double.Parse(Torch.Metadata["loss"], CultureInfo.InvariantCulture);
}

/// <summary>
/// Encoder-decoders against bindings/python/tests/seq2seq_torch.py, PyTorch's mirror (nn.Embedding, nn.LSTM/GRU/RNN encoder
/// over pack_padded_sequence, Linear+tanh bridge, decoder fed [e ; c], Linear output over [s ; c ; e]) on the same weights
/// (strict=True) and batch: odd sizes, ragged source and target lengths (1..T in one batch) with junk tokens in the padding.
/// One PyTorch run for all cases; the engine's side runs per kernel path.
/// </summary>
public sealed class Seq2SeqParityFixture : IDisposable
{
    public const int SourceSteps = 7, TargetSteps = 6, Batch = 5, SourceVocabulary = 13, TargetVocabulary = 11;

    /// <summary>Sources of 1..Ts tokens and decoder runs of 1..Tt timesteps (1: an empty target, EOS only).</summary>
    public static readonly int[] SourceLengths = [3, 7, 1, 5, 2], TargetLengths = [2, 6, 1, 4, 3];

    private static Seq2SeqConfig Config(CellType cell, int layers, bool bidirectional, int decoderHidden = 0, int decoderLayers = 0) =>
        new(cell, SourceVocabulary, TargetVocabulary, HiddenSize: 37, layers)
        {
            EmbeddingSize = 11,
            TargetEmbeddingSize = 6,
            Bidirectional = bidirectional,
            DecoderHiddenSize = decoderHidden,
            DecoderLayers = decoderLayers,
        };

    /// <summary>Every case: its config and whether its sources have <see cref="SourceLengths"/> (else all Ts).</summary>
    public static readonly Dictionary<string, (Seq2SeqConfig Config, bool Ragged)> Definitions = new()
    {
        ["lstm-bi-bridge"] = (Config(CellType.Lstm, 2, bidirectional: true, decoderHidden: 29), true),
        ["gru-bi-bridge"] = (Config(CellType.Gru, 1, bidirectional: true, decoderLayers: 2), true),
        ["lstm-no-bridge"] = (Config(CellType.Lstm, 2, bidirectional: false), true),
        ["gru-no-bridge"] = (Config(CellType.Gru, 1, bidirectional: false), true),
        ["gru-sizes-bridge"] = (Config(CellType.Gru, 1, bidirectional: false, decoderHidden: 23, decoderLayers: 2), true),
        ["rnn-tanh-bi-bridge"] = (Config(CellType.Elman, 1, bidirectional: true), true),
        // One direction, every source full, Ts*B > Vs: the source embedding's gathered token-table path.
        ["lstm-full-sources"] = (Config(CellType.Lstm, 1, bidirectional: false), false),
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-seq2seq-").FullName;

    public Seq2SeqParityFixture()
    {
        List<string> jobs = [];
        Dictionary<string, (Seq2SeqConfig, int, Seq2SeqBatch)> ours = [];
        int seed = 90;
        foreach ((string name, (Seq2SeqConfig config, bool ragged)) in Definitions)
        {
            Seq2SeqModel model = new(config);
            model.Initialize(new Random(seed));
            TorchComparison.WriteWeights(PathOf(name + ".weights.safetensors"), model.NamedTensors());
            Seq2SeqBatch batch = RandomBatch(config, ragged ? SourceLengths : [.. SourceLengths.Select(_ => SourceSteps)], TargetLengths, new Random(seed + 1));
            File.WriteAllBytes(PathOf(name + ".data.safetensors"), DataFile(batch));
            ours[name] = (config, seed, batch);
            jobs.Add($$"""{"config": {{ConfigJson(model.Config)}}, "weights": "{{Escaped(PathOf(name + ".weights.safetensors"))}}", "data": "{{Escaped(PathOf(name + ".data.safetensors"))}}", "out": "{{Escaped(PathOf(name + ".torch.safetensors"))}}"}""");
            seed += 2;
        }
        File.WriteAllText(PathOf("jobs.json"), "[" + string.Join(",\n", jobs) + "]");
        TorchScript.Run(PathOf("jobs.json"), TimeSpan.FromMinutes(3), TorchScript.Seq2Seq);
        foreach ((string name, (Seq2SeqConfig config, int caseSeed, Seq2SeqBatch batch)) in ours)
        {
            Cases[name] = new Seq2SeqCase(config, caseSeed, batch, SafetensorsReader.ReadFile(PathOf(name + ".torch.safetensors")));
        }
    }

    public Dictionary<string, Seq2SeqCase> Cases { get; } = [];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A batch of the given lengths: random source and target symbols (ids from <see cref="SpecialTokens.Count"/>), BOS
    /// then the target as decoder inputs, the target then EOS as decoder targets, and junk (any id) in the padding of the
    /// sources and decoder inputs, which the model must not read.</summary>
    public static Seq2SeqBatch RandomBatch(Seq2SeqConfig config, int[] sourceLengths, int[] targetLengths, Random random)
    {
        Seq2SeqBatch batch = new(sourceLengths.Max(), targetLengths.Max(), sourceLengths.Length);
        sourceLengths.CopyTo(batch.SourceLengths);
        targetLengths.CopyTo(batch.TargetLengths);
        int b = batch.Batch;
        for (int row = 0; row < batch.SourceTokens.Length; row++)
        {
            batch.SourceTokens[row] = row / b < sourceLengths[row % b] ? random.Next(SpecialTokens.Count, config.SourceVocabularySize) : random.Next(config.SourceVocabularySize);
        }
        for (int row = 0; row < batch.DecoderTargets.Length; row++)
        {
            int t = row / b, length = targetLengths[row % b];
            batch.DecoderTargets[row] = t < length - 1 ? random.Next(SpecialTokens.Count, config.TargetVocabularySize) : t == length - 1 ? SpecialTokens.End : KernelSet.IgnoreTarget;
            batch.DecoderInputs[row] = t == 0 ? SpecialTokens.Start : t < length ? batch.DecoderTargets[row - b] : random.Next(config.TargetVocabularySize);
        }
        return batch;
    }

    private static byte[] DataFile(Seq2SeqBatch batch)
    {
        SafetensorsWriter data = new();
        data.AddTensor("source", [batch.SourceTimesteps, batch.Batch], [.. batch.SourceTokens.Select(token => (float)token)]);
        data.AddTensor("source_lengths", [batch.Batch], [.. batch.SourceLengths.Select(length => (float)length)]);
        data.AddTensor("decoder_inputs", [batch.TargetTimesteps, batch.Batch], [.. batch.DecoderInputs.Select(token => (float)token)]);
        data.AddTensor("decoder_targets", [batch.TargetTimesteps, batch.Batch], [.. batch.DecoderTargets.Select(token => (float)token)]);
        return data.ToArray();
    }

    private static string ConfigJson(Seq2SeqConfig c) =>
        $$"""{"cell": "{{CellKind.Of(c.Cell).PyTorchName}}", "nonlinearity": "{{(c.Activation == Activation.Relu ? "relu" : "tanh")}}", "source_vocab": {{c.SourceVocabularySize}}, "target_vocab": {{c.TargetVocabularySize}}, "source_embedding": {{c.EmbeddingSize}}, "target_embedding": {{c.TargetEmbeddingSize}}, "hidden_size": {{c.HiddenSize}}, "num_layers": {{c.Layers}}, "bidirectional": {{(c.Bidirectional ? "true" : "false")}}, "decoder_hidden_size": {{c.DecoderHiddenSize}}, "decoder_layers": {{c.DecoderLayers}}, "bridge": {{(c.HasBridge ? "true" : "false")}}}""";

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static string Escaped(string path) => path.Replace("\\", "\\\\").Replace("\"", "\\\"");
}

/// <summary>Tolerance, for every element a (ours) and b (PyTorch's): |a - b| &lt;= 1e-5 * max(1, |b|) for the loss and the
/// decoding session's log-probabilities, 1e-4 for gradients.</summary>
public sealed class Seq2SeqParityTests(Seq2SeqParityFixture fixture, ITestOutputHelper output) : IClassFixture<Seq2SeqParityFixture>
{
    public static TheoryData<string, KernelPath> CasesOnEveryPath() => TorchComparison.OnEveryPath(Seq2SeqParityFixture.Definitions.Keys);

    [Theory]
    [MemberData(nameof(CasesOnEveryPath))]
    public void Loss_and_every_gradient_match_pytorchs_mirror(string name, KernelPath path)
    {
        Seq2SeqCase parity = fixture.Cases[name];
        Seq2SeqModel model = new(parity.Config, KernelSet.For(path));
        model.Initialize(new Random(parity.Seed));
        model.ZeroGradients();
        double loss = model.TrainBatch(parity.Batch) / model.LossTerms(parity.Batch);
        TorchComparison.AssertClose(output, name, "loss", [(float)loss], [(float)parity.TorchLoss], 1e-5);
        TorchComparison.AssertClose(output, name, "evaluation loss", [(float)(model.EvaluateBatch(parity.Batch) / model.LossTerms(parity.Batch))], [(float)parity.TorchLoss], 1e-5);

        TorchComparison.AssertEveryGradient(output, name, model.NamedTensors(gradients: true), parity.Torch, 1e-4);
    }

    [Theory]
    [MemberData(nameof(CasesOnEveryPath))]
    public void A_decoding_session_stepped_with_the_teacher_tokens_gives_pytorchs_log_probabilities(string name, KernelPath path)
    {
        Seq2SeqCase parity = fixture.Cases[name];
        Seq2SeqBatch batch = parity.Batch;
        Seq2SeqModel model = new(parity.Config, KernelSet.For(path));
        model.Initialize(new Random(parity.Seed));
        IStepDecoder session = model.StartDecoding(batch.SourceTokens, batch.SourceLengths, batch.SourceTimesteps);
        Assert.Equal(Enumerable.Range(0, batch.Batch), session.Sources.ToArray());
        int b = batch.Batch, v = model.Config.TargetVocabularySize;
        float[] stepped = new float[batch.TargetTimesteps * b * v];
        for (int t = 0; t < batch.TargetTimesteps; t++)
        {
            session.Step(batch.DecoderInputs.AsSpan(t * b, b), stepped.AsSpan(t * b * v, b * v));
        }
        // Every timestep, padding included: PyTorch's decoder also runs on over the junk after a pair's EOS.
        TorchComparison.AssertClose(output, name, "log_probabilities", stepped, parity.Torch.GetFloats("log_probabilities"), 1e-5);
    }

    [Fact]
    public void The_batches_really_are_ragged_and_the_mirror_reads_the_lengths()
    {
        // Negative control: a source read one timestep too far (into its junk padding) changes the loss, so matching
        // PyTorch's loss on the ragged cases means both sides stopped at the same lengths.
        Seq2SeqCase parity = fixture.Cases["lstm-bi-bridge"];
        Seq2SeqModel model = new(parity.Config);
        model.Initialize(new Random(parity.Seed));
        double loss = model.EvaluateBatch(parity.Batch);
        Seq2SeqBatch longer = Copy(parity.Batch);
        longer.SourceLengths[0]++;
        Assert.NotEqual(loss, model.EvaluateBatch(longer), 4);
        Assert.Contains(1, Seq2SeqParityFixture.SourceLengths);
        Assert.Contains(Seq2SeqParityFixture.SourceSteps, Seq2SeqParityFixture.SourceLengths);
        Assert.Contains(1, Seq2SeqParityFixture.TargetLengths);
        Assert.Contains(Seq2SeqParityFixture.TargetSteps, Seq2SeqParityFixture.TargetLengths);
    }

    internal static Seq2SeqBatch Copy(Seq2SeqBatch batch)
    {
        Seq2SeqBatch copy = new(batch.SourceTimesteps, batch.TargetTimesteps, batch.Batch);
        batch.SourceLengths.CopyTo(copy.SourceLengths);
        batch.TargetLengths.CopyTo(copy.TargetLengths);
        batch.Examples.CopyTo(copy.Examples);
        batch.SourceTokens.CopyTo(copy.SourceTokens);
        batch.DecoderInputs.CopyTo(copy.DecoderInputs);
        batch.DecoderTargets.CopyTo(copy.DecoderTargets);
        return copy;
    }
}
