using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels.Step;
using RnnNative.Model;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

public class EvaluationTests
{
    [Fact]
    public void The_stream_loss_of_the_step_path_equals_the_batched_loss_of_one_stream()
    {
        LanguageModel model = new(new LanguageModelConfig(VocabularySize: 11, EmbeddingSize: 6, CellType.Lstm, HiddenSize: 9, Layers: 2));
        model.Initialize(new Random(5));
        Random random = new(6);
        int[] ids = Enumerable.Range(0, 5000).Select(_ => random.Next(11)).ToArray();
        using TokenSequence tokens = TokenSequence.FromIds(ids, 11);

        // One stream of windows of 7 tokens with the state carried: every token predicted once, as token by token.
        double batched = Evaluation.MeanLoss(model, tokens, batchSize: 1, steps: 7);
        double stream = Evaluation.StreamLoss(model, tokens);
        Assert.Equal(batched, stream, 1e-5);

        model.StepPrecision = WeightPrecision.BFloat16;
        double rounded = Evaluation.StreamLoss(model, tokens);
        Assert.NotEqual(stream, rounded);
        Assert.Equal(stream, rounded, 1e-2);
    }
}
