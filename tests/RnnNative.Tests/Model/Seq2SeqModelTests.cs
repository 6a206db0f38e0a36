using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Tests.PyTorch;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Model;

/// <summary>
/// The encoder-decoder beyond what PyTorch's mirror checks (Seq2SeqParityTests): padding that changes nothing, the decoding
/// session against the training forward (and its reordered rows against their parents), dropout's gradients by finite
/// differences, the config's checks and the tensor layout.
/// </summary>
public sealed class Seq2SeqModelTests
{
    private static readonly int[] SourceLengths = [4, 1, 6, 3], TargetLengths = [3, 5, 1, 2];

    private static Seq2SeqConfig Small(CellType cell, bool bidirectional = false, int decoderHidden = 0) =>
        new(cell, SourceVocabularySize: 9, TargetVocabularySize: 8, HiddenSize: 7, Layers: 2)
        {
            EmbeddingSize = 5,
            TargetEmbeddingSize = 3,
            Bidirectional = bidirectional,
            DecoderHiddenSize = decoderHidden,
        };

    private static (Seq2SeqModel Model, Seq2SeqBatch Batch) Create(Seq2SeqConfig config, KernelPath? path = null, int seed = 5)
    {
        Seq2SeqModel model = new(config, path is KernelPath p ? KernelSet.For(p) : null);
        model.Initialize(new Random(seed));
        return (model, Seq2SeqParityFixture.RandomBatch(config, SourceLengths, TargetLengths, new Random(seed + 1)));
    }

    private static float[][] Gradients(Seq2SeqModel model) => [.. model.Blocks.Select(block => (float[])block.Gradients.Clone())];

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Junk_in_the_padding_changes_neither_the_loss_nor_any_gradient(KernelPath path)
    {
        foreach (Seq2SeqConfig config in new[] { Small(CellType.Lstm, bidirectional: true), Small(CellType.Gru) })
        {
            (Seq2SeqModel model, Seq2SeqBatch batch) = Create(config, path);
            double loss = model.TrainBatch(batch);
            float[][] gradients = Gradients(model);
            Seq2SeqBatch other = Seq2SeqParityTests.Copy(batch);
            Random random = new(99);
            int b = batch.Batch, changed = 0;
            for (int row = 0; row < other.SourceTokens.Length; row++)
            {
                if (row / b >= other.SourceLengths[row % b]) { other.SourceTokens[row] = (other.SourceTokens[row] + 1 + random.Next(7)) % 9; changed++; }
            }
            for (int row = 0; row < other.DecoderInputs.Length; row++)
            {
                if (row / b >= other.TargetLengths[row % b]) { other.DecoderInputs[row] = (other.DecoderInputs[row] + 1 + random.Next(6)) % 8; changed++; }
            }
            Assert.True(changed > 10);
            model.ZeroGradients();
            Assert.Equal(loss, model.TrainBatch(other));
            float[][] otherGradients = Gradients(model);
            for (int block = 0; block < gradients.Length; block++)
            {
                Assert.Equal(gradients[block], otherGradients[block]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void A_session_stepped_with_the_teacher_tokens_gives_the_training_forwards_loss(KernelPath path)
    {
        foreach (Seq2SeqConfig config in new[] { Small(CellType.Lstm), Small(CellType.Gru, bidirectional: true), Small(CellType.Elman, decoderHidden: 4) })
        {
            (Seq2SeqModel model, Seq2SeqBatch batch) = Create(config, path);
            IStepDecoder session = model.StartDecoding(batch.SourceTokens, batch.SourceLengths, batch.SourceTimesteps);
            int b = batch.Batch, v = session.Vocabulary;
            Assert.Equal(8, v);
            float[] logP = new float[b * v];
            double loss = 0;
            for (int t = 0; t < batch.TargetTimesteps; t++)
            {
                session.Step(batch.DecoderInputs.AsSpan(t * b, b), logP);
                for (int row = 0; row < b; row++)
                {
                    Assert.Equal(1.0, logP.AsSpan(row * v, v).ToArray().Sum(p => Math.Exp(p)), 5);
                    int target = batch.DecoderTargets[t * b + row];
                    if (target != KernelSet.IgnoreTarget) loss -= logP[row * v + target];
                }
            }
            Assert.Equal(model.EvaluateBatch(batch), loss, 1e-4 * loss);
        }
    }

    [Fact]
    public void Reordered_rows_continue_as_their_parents_and_one_source_alone_as_its_row_in_a_batch()
    {
        (Seq2SeqModel model, Seq2SeqBatch batch) = Create(Small(CellType.Lstm, bidirectional: true));
        int b = batch.Batch, v = model.Config.TargetVocabularySize;
        IStepDecoder session = model.StartDecoding(batch.SourceTokens, batch.SourceLengths, batch.SourceTimesteps);
        float[] first = new float[b * v];
        session.Step([.. Enumerable.Repeat(SpecialTokens.Start, b)], first);
        // A beam of 3 per source, then a shrink: rows repeated, dropped, out of order.
        int[] parents = [.. Enumerable.Range(0, 3 * b).Select(r => (r * 7 + 2) % b)];
        session.Reorder(parents);
        Assert.Equal(3 * b, session.Rows);
        Assert.Equal(parents, session.Sources.ToArray());
        int[] tokens = [.. Enumerable.Range(0, 3 * b).Select(r => SpecialTokens.Count + r % 4)];
        float[] second = new float[3 * b * v];
        session.Step(tokens, second);
        for (int r = 0; r < parents.Length; r++)
        {
            // The same step from a fresh session of the parent's source alone (batch of 1: the GEMV path).
            int source = parents[r];
            int[] sourceTokens = [.. Enumerable.Range(0, batch.SourceTimesteps).Select(t => batch.SourceTokens[t * b + source])];
            IStepDecoder alone = model.StartDecoding(sourceTokens, [batch.SourceLengths[source]], batch.SourceTimesteps);
            float[] expected = new float[v];
            alone.Step([SpecialTokens.Start], expected);
            AssertClose(first.AsSpan(source * v, v), expected);
            alone.Step([tokens[r]], expected);
            AssertClose(second.AsSpan(r * v, v), expected);
        }
        session.Reorder([4, 0]);
        Assert.Equal([parents[4], parents[0]], session.Sources.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Reorder([2]));
        Assert.Throws<ArgumentException>(() => session.Step([1, 1, 1], new float[3 * v]));
        // A search that has finished every row drops them all; the session then steps nothing.
        session.Reorder([]);
        Assert.Equal(0, session.Rows);
        session.Step([], []);
        Assert.True(session.Sources.IsEmpty);
    }

    private static void AssertClose(ReadOnlySpan<float> actual, float[] expected)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: {actual[i]} vs {expected[i]}");
        }
    }

    [Theory]
    [InlineData(CellType.Lstm, false)]
    [InlineData(CellType.Gru, true)]
    public void Dropout_gradients_match_finite_differences_of_the_same_masks(CellType cell, bool bidirectional)
    {
        Seq2SeqConfig config = Small(cell, bidirectional) with { Dropout = 0.3f };
        (Seq2SeqModel model, Seq2SeqBatch batch) = Create(config);
        double Loss() => model.TrainBatch(batch, seed: 11, update: 4) / batch.Positions;
        double loss = Loss();
        Assert.Equal(loss, Loss());
        Assert.NotEqual(loss, model.TrainBatch(batch, seed: 11, update: 5) / batch.Positions, 6);
        Assert.NotEqual(loss, model.EvaluateBatch(batch) / batch.Positions, 6);
        model.ZeroGradients();
        Loss();
        float[][] gradients = Gradients(model);
        const float epsilon = 1e-2f;
        for (int b = 0; b < model.Blocks.Count; b++)
        {
            float[] values = model.Blocks[b].Values;
            // The three largest gradients of every block: the ones a wrong mask or a dropped term would change most.
            foreach (int i in Enumerable.Range(0, values.Length).OrderByDescending(i => Math.Abs(gradients[b][i])).Take(3))
            {
                float saved = values[i];
                values[i] = saved + epsilon;
                double plus = Loss();
                values[i] = saved - epsilon;
                double minus = Loss();
                values[i] = saved;
                double expected = (plus - minus) / (2 * epsilon);
                Assert.True(Math.Abs(expected - gradients[b][i]) <= 2e-4 + 3e-2 * Math.Abs(expected), $"{model.Blocks[b].Name}[{i}]: finite differences {expected:G6}, gradient {gradients[b][i]:G6}");
            }
        }
    }

    [Fact]
    public void Tensors_blocks_and_defaults_follow_the_config()
    {
        Seq2SeqConfig config = new(CellType.Gru, 20, 15, HiddenSize: 100, Layers: 2);
        Seq2SeqConfig full = config.WithDefaults();
        Assert.Equal((64, 64, 100, 2), (full.EmbeddingSize, full.TargetEmbeddingSize, full.DecoderHiddenSize, full.DecoderLayers));
        Assert.False(config.HasBridge);
        Assert.Equal(config.TensorShapes().Select(t => (t.Name, string.Join(",", t.Shape))), full.TensorShapes().Select(t => (t.Name, string.Join(",", t.Shape))));
        Seq2SeqModel model = new(config);
        Assert.Equal(full, model.Config);
        Assert.DoesNotContain(model.NamedTensors(), t => t.Name.StartsWith("bridge.", StringComparison.Ordinal));
        Assert.Equal(["encoder.embedding", "encoder.rnn", "decoder.embedding", "decoder.rnn", "output"], model.Blocks.Select(b => b.Name));

        Seq2SeqModel bridged = new(config with { Bidirectional = true, DecoderLayers = 1, TargetEmbeddingSize = 9 });
        Assert.True(bridged.Config.HasBridge);
        Dictionary<string, int[]> shapes = bridged.NamedTensors().ToDictionary(t => t.Name, t => t.Shape);
        Assert.Equal([100, 200], shapes["bridge.weight"]);
        Assert.Equal([15, 100 + 200 + 9], shapes["output.weight"]);
        Assert.Equal([300, 9 + 200], shapes["decoder.rnn.weight_ih_l0"]);
        Assert.Equal([300, 64], shapes["encoder.rnn.weight_ih_l0_reverse"]);
        Assert.Equal(["encoder.embedding", "encoder.rnn", "decoder.embedding", "decoder.rnn", "bridge", "output"], bridged.Blocks.Select(b => b.Name));
        // Every parameter in exactly one tensor and one block.
        Assert.Equal(bridged.Blocks.Sum(b => b.Length), bridged.NamedTensors().Sum(t => t.Values.Length));
        Assert.Equal(bridged.Blocks.Sum(b => b.Length), bridged.NamedTensors(gradients: true).Sum(t => t.Values.Length));
    }

    [Theory]
    [InlineData("SourceVocabularySize", 4, 8, 0, 0, CellType.Lstm)]
    [InlineData("TargetVocabularySize", 8, 3, 0, 0, CellType.Lstm)]
    [InlineData("DecoderHiddenSize", 8, 8, -1, 0, CellType.Lstm)]
    [InlineData("DecoderLayers", 8, 8, 0, 65, CellType.Lstm)]
    [InlineData("Cell", 8, 8, 0, 0, CellType.Jordan)]
    public void A_bad_config_names_its_field(string field, int sourceVocabulary, int targetVocabulary, int decoderHidden, int decoderLayers, CellType cell)
    {
        Seq2SeqConfig config = new(cell, sourceVocabulary, targetVocabulary, 8, 1) { DecoderHiddenSize = decoderHidden, DecoderLayers = decoderLayers };
        ArgumentException e = Assert.ThrowsAny<ArgumentException>(() => new Seq2SeqModel(config));
        Assert.Equal(field, e.ParamName);
    }

    [Fact]
    public void A_batch_with_a_target_in_its_padding_or_a_token_outside_the_vocabulary_is_refused()
    {
        (Seq2SeqModel model, Seq2SeqBatch batch) = Create(Small(CellType.Gru));
        Seq2SeqBatch target = Seq2SeqParityTests.Copy(batch);
        target.DecoderTargets[(TargetLengths[2]) * batch.Batch + 2] = 4;
        Assert.Equal("batch", Assert.Throws<ArgumentException>(() => model.TrainBatch(target)).ParamName);
        Seq2SeqBatch token = Seq2SeqParityTests.Copy(batch);
        token.SourceTokens[^1] = 9;
        Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => model.EvaluateBatch(token)).ParamName);
        Assert.Throws<ArgumentException>(() => model.StartDecoding(batch.SourceTokens, [1, 2, 3], batch.SourceTimesteps));
    }

    [Fact]
    public void A_replica_reads_the_models_weights_and_cannot_train()
    {
        (Seq2SeqModel model, Seq2SeqBatch batch) = Create(Small(CellType.Lstm, bidirectional: true));
        Seq2SeqModel replica = model.CreateInferenceReplica();
        Assert.Equal(model.EvaluateBatch(batch), replica.EvaluateBatch(batch));
        model.Blocks[^1].Values[^1] += 1f;
        Assert.Equal(model.EvaluateBatch(batch), replica.EvaluateBatch(batch));
        Assert.All(replica.Blocks, block => Assert.Empty(block.Gradients));
        Assert.Throws<InvalidOperationException>(() => replica.TrainBatch(batch));
    }
}
