using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.IO;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Tasks;
using RnnNative.Tests.Datasets;
using RnnNative.Training;

namespace RnnNative.Tests.Tasks;

public class TaskTrainingTests
{
    private static readonly TaskModelOptions Small = new() { HiddenSize = 12, EmbeddingSize = 8, Seed = 2, Dropout = 0.1f };

    private static TrainingOptions Options(long updates) => new(BatchSize: 16, MaxUpdates: updates, EvaluateEvery: 10) { Seed = 9 };

    [Fact]
    public void The_slot_filling_demo_trains_its_tagger_and_holds_out_a_tenth()
    {
        TaskData data = TaskDemos.SlotFilling(sentences: 300);
        TaskModel model = TaskModel.Create(TaskKind.Tagging, data, Small);
        TaskTraining training = new(model, data, validation: null, Options(60));

        Assert.Equal(270, training.TrainingSequences);
        Assert.Equal(30, training.ValidationSequences);
        Assert.InRange(training.PaddedFraction, 0, 0.5);
        training.Loop.Run();

        IReadOnlyList<RnnNative.Reporting.CurvePoint> validation = training.Loop.Curve.Validation;
        Assert.Equal([10L, 20, 30, 40, 50, 60], validation.Select(p => p.Update));
        Assert.True(validation[^1].Loss < 0.7 * validation[0].Loss, $"validation loss {validation[0].Loss} -> {validation[^1].Loss}");
    }

    [Fact]
    public void A_run_resumed_from_its_checkpoint_file_ends_as_the_unbroken_run()
    {
        using TempFiles files = new();
        TaskData data = TaskDemos.SlotFilling(sentences: 120);
        TaskModel unbrokenModel = TaskModel.Create(TaskKind.Tagging, data, Small);
        TaskTraining unbroken = new(unbrokenModel, data, null, Options(24));
        unbroken.Loop.Run();

        TaskTraining first = new(TaskModel.Create(TaskKind.Tagging, data, Small), data, null, Options(24));
        first.Loop.Run(updates: 11);
        string checkpoint = files.PathOf("run.rnn");
        first.SaveCheckpoint(checkpoint);

        LoadedTaskModel loaded = TaskModel.Load(checkpoint);
        Assert.NotNull(loaded.Training);
        TaskTraining resumed = new(TaskModel.Create(TaskKind.Tagging, data, Small with { Seed = 77 }), data, null, loaded.Options!);
        resumed.Resume(loaded);
        resumed.Loop.Run();

        Assert.Equal(unbroken.Loop.Curve.Training.Select(p => p.Loss), resumed.Loop.Curve.Training.Select(p => p.Loss));
        Assert.Equal(Weights(unbrokenModel), Weights(resumed.Model));
        // A file with no training state cannot be resumed.
        string plain = files.PathOf("plain.rnn");
        unbrokenModel.Save(plain);
        Assert.Throws<CheckpointFormatException>(() => resumed.Resume(TaskModel.Load(plain)));
    }

    [Fact]
    public void A_saved_model_predicts_as_before_and_keeps_its_vocabulary_and_labels()
    {
        TaskData data = TaskDemos.SlotFilling(sentences: 40);
        TaskModel model = TaskModel.Create(TaskKind.Tagging, data, Small);
        TaskModel loaded = TaskModel.Load(model.ToBytes()).Model;

        Assert.Equal(model.Encoding.Labels!.Names, loaded.Encoding.Labels!.Names);
        Assert.Equal(model.Encoding.Inputs!.Count, loaded.Encoding.Inputs!.Count);
        Assert.Equal(model.Predict(data).Of(5).ToArray(), loaded.Predict(data).Of(5).ToArray());
        Assert.Equal(ModelKind.Tagger, ModelFiles.KindOf(model.ToBytes()));
    }

    [Fact]
    public void A_model_of_token_ids_given_as_numbers_saves_without_a_vocabulary_and_loads_back()
    {
        SequenceSet set = SequenceSet.FromTokens([0, 1, 2, 3, 1, 2, 4], [4, 3], TargetKind.SequenceClass, [1, 0], []);
        TaskData data = TaskData.FromSet(set, TaskData.FitArrays(set));
        TaskModel model = TaskModel.Create(TaskKind.Classification, data, new TaskModelOptions { HiddenSize = 5 });

        TaskModel loaded = TaskModel.Load(model.ToBytes()).Model;

        Assert.Null(loaded.Encoding.Inputs);
        Assert.Equal(5, loaded.Encoding.VocabularySize);
        Assert.Equal(["0", "1"], loaded.Encoding.Labels!.Names);
        Assert.Equal(model.Predict(data).Of(1).ToArray(), loaded.Predict(data).Of(1).ToArray());
    }

    private static float[] Weights(TaskModel model) => [.. model.Model.Blocks.SelectMany(block => block.Values)];
}
