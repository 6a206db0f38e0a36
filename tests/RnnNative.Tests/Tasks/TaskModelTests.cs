using System.IO.Compression;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Model;
using RnnNative.Tasks;
using RnnNative.Tests.Datasets;

namespace RnnNative.Tests.Tasks;

public class TaskModelTests
{
    private const string Conll =
        "-DOCSTART- O\n\nfly O\nfrom O\nnew B-from\nyork I-from\nto O\nboston B-to\n\n" +
        "# a comment\nshow O\nflights O\nto O\ndenver B-to\n\nfrom O\nboston B-from\n\nbook O\na O\nflight O\nto O\nnew B-to\nyork I-to\ntomorrow B-date\n\n";

    [Fact]
    public void A_tagger_is_bidirectional_by_default_and_its_evaluation_scores_its_own_predictions()
    {
        using TempFiles files = new();
        TaskData data = TaskData.Read(TaskKind.Tagging, files.Write("train.conll", Conll));
        TaskModel model = TaskModel.Create(TaskKind.Tagging, data, new TaskModelOptions { HiddenSize = 8, EmbeddingSize = 5, Seed = 3 });

        Assert.True(model.Model.Config.Bidirectional);
        // A tagger pools nothing: asking it to is an error naming the option, not ignored.
        Assert.Equal("Pooling", Assert.Throws<ArgumentException>(() => TaskModel.Create(TaskKind.Tagging, data, new TaskModelOptions { Pooling = SequencePooling.Mean })).ParamName);
        Assert.Equal(["B-date", "B-from", "B-to", "I-from", "I-to", "O"], model.Encoding.Labels!.Names);
        TaskPredictions predictions = model.Predict(data, batchSize: 3);
        Assert.Equal(4, predictions.Count);
        Assert.Equal(6, predictions.Rows(0));
        Assert.Equal(1f, predictions.Row(3, 6).ToArray().Sum(), 5);

        TaskEvaluation evaluation = model.Evaluate(data, batchSize: 3);
        // Token accuracy counted here from the predictions and the gold ids.
        int correct = 0;
        for (int i = 0; i < data.Set.Count; i++)
        {
            for (int t = 0; t < data.Set.Length(i); t++)
            {
                if (predictions.Label(i, t) == data.Set.Classes[data.Set.Offsets[i] + t]) correct++;
            }
        }
        Assert.Equal(19, evaluation.Tagging!.Tokens);
        Assert.Equal(correct / 19.0, evaluation.Tagging.TokenAccuracy, 12);
        // Batching changes neither the loss nor the metrics.
        TaskEvaluation oneByOne = model.Evaluate(data, batchSize: 1);
        Assert.Equal(evaluation.Loss, oneByOne.Loss, 5);
        Assert.Equal(evaluation.Tagging.ToString(), oneByOne.Tagging!.ToString());
        // A model of other weights predicts otherwise: the scores are the model's, not constants.
        TaskModel other = TaskModel.Create(TaskKind.Tagging, data, new TaskModelOptions { HiddenSize = 8, EmbeddingSize = 5, Seed = 4 });
        Assert.NotEqual(evaluation.Loss, other.Evaluate(data).Loss);
    }

    [Fact]
    public void Tagger_predictions_are_written_back_as_the_file_with_a_predicted_tag_column()
    {
        using TempFiles files = new();
        TaskData data = TaskData.Read(TaskKind.Tagging, files.Write("train.conll", Conll));
        TaskModel model = TaskModel.Create(TaskKind.Tagging, data, new TaskModelOptions { HiddenSize = 6, Seed = 1 });
        TaskData untagged = model.Read(files.Write("new.conll", "fly x\nto x\nboston x\n\n".Replace(" x", "")), requireTargets: false);
        Assert.False(untagged.HasTargets);
        Assert.Throws<ArgumentException>(() => model.Evaluate(untagged));

        TaskPredictions predictions = model.Predict(untagged);
        string output = files.PathOf("out.conll");
        untagged.WritePredictions(predictions, output);

        string[] lines = File.ReadAllLines(output);
        Assert.Equal(4, lines.Length);
        for (int t = 0; t < 3; t++)
        {
            Assert.Equal($"{new[] { "fly", "to", "boston" }[t]} {model.Encoding.Labels![predictions.Label(0, t)]}", lines[t]);
        }
        Assert.Equal("", lines[3]);
    }

    [Fact]
    public void A_classifier_of_a_tsv_file_counts_every_example_in_its_confusion_matrix_and_writes_labels_with_probabilities()
    {
        using TempFiles files = new();
        string tsv = "pos\ta fine day\nneg\ta bad day\npos\tgood\nneg\tawful weather today\nmid\tso so\n";
        TaskData data = TaskData.Read(TaskKind.Classification, files.Write("train.tsv", tsv), new TaskDataOptions { Unit = TokenUnit.Characters });
        TaskModel model = TaskModel.Create(TaskKind.Classification, data, new TaskModelOptions { HiddenSize = 7, Pooling = SequencePooling.Mean });

        Assert.False(model.Model.Config.Bidirectional);
        Assert.Equal(SequencePooling.Mean, model.Model.Config.Pooling);
        TaskEvaluation evaluation = model.Evaluate(data, batchSize: 2);
        Assert.Equal(5, evaluation.Confusion!.Total);
        TaskPredictions predictions = model.Predict(data);
        double accuracy = Enumerable.Range(0, 5).Count(i => predictions.Label(i) == data.Set.Classes[i]) / 5.0;
        Assert.Equal(accuracy, evaluation.Classification!.Accuracy, 12);

        string output = files.PathOf("out.tsv");
        data.WritePredictions(predictions, output);
        string[] first = File.ReadAllLines(output)[0].Split('\t');
        Assert.Equal(model.Encoding.Labels![predictions.Label(0)], first[0]);
        Assert.Equal(predictions.Probability(0), float.Parse(first[1], System.Globalization.CultureInfo.InvariantCulture), 5);
        Assert.Equal("a fine day", first[2]);

        // A label the model never saw is an error naming the file and its line.
        DatasetFormatException unseen = Assert.Throws<DatasetFormatException>(() => model.Read(files.Write("test.tsv", "pos\tok\nodd\thuh\n")));
        Assert.Contains("test.tsv:2:", unseen.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regressor_of_an_npz_file_predicts_per_sequence_and_its_mse_is_the_mean_squared_difference()
    {
        using TempFiles files = new();
        // 5 sequences of up to 4 timesteps of 2 features; lengths vary; one value per sequence.
        float[] inputs = [.. Enumerable.Range(0, 5 * 4 * 2).Select(i => MathF.Sin(i))];
        string path = files.PathOf("train.npz");
        WriteNpz(path, ("inputs", inputs, [5, 4, 2]), ("targets", [0.5f, -1, 2, 0, 1], [5]), ("lengths", [4, 1, 3, 2, 4], [5]));

        TaskData data = TaskData.Read(TaskKind.Regression, path);
        TaskModel model = TaskModel.Create(TaskKind.Regression, data, new TaskModelOptions { Cell = CellType.Gru, HiddenSize = 5 });
        Assert.Equal(InputEncoding.Dense, model.Model.Config.Input);
        Assert.False(model.Model.Config.PerStep);

        TaskPredictions predictions = model.Predict(data);
        double squared = Enumerable.Range(0, 5).Sum(i => Math.Pow(predictions.Row(i)[0] - data.Set.Values[i], 2));
        TaskEvaluation evaluation = model.Evaluate(data, batchSize: 2);
        Assert.Equal(squared / 5, evaluation.Regression!.Mse, 5);
        Assert.Equal(evaluation.Regression.Mse, evaluation.Loss, 5);

        string output = files.PathOf("out.npy");
        data.WritePredictions(predictions, output);
        NpyArray written = NpyFormat.Read(output);
        Assert.Equal([5, 1], written.Shape);
        Assert.Equal(predictions.Row(4)[0], written.Data[4]);
    }

    [Fact]
    public void Files_a_task_does_not_read_are_refused_with_the_formats_it_reads()
    {
        using TempFiles files = new();
        ArgumentException csv = Assert.Throws<ArgumentException>(() => TaskData.Read(TaskKind.Regression, files.Write("data.csv", "label,text\n1,a\n")));
        Assert.StartsWith($"{files.PathOf("data.csv")}: regress reads NumPy .npz", csv.Message, StringComparison.Ordinal);
        ArgumentException txt = Assert.Throws<ArgumentException>(() => TaskData.Read(TaskKind.Classification, files.Write("data.txt", "1\ta\n")));
        Assert.Contains("classify reads TSV", txt.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sequences_from_memory_get_numbered_labels_and_a_jordan_tagger_reads_forward_only()
    {
        SequenceSet set = SequenceSet.FromTokens([0, 1, 2, 3, 1, 2], [4, 2], TargetKind.StepClasses, [0, 1, 1, 2, 0, 0], []);
        TaskData data = TaskData.FromSet(set, TaskData.FitArrays(set));
        Assert.Equal(["0", "1", "2"], data.Encoding.Labels!.Names);
        Assert.Equal(4, data.Encoding.VocabularySize);

        TaskModel model = TaskModel.Create(TaskKind.Tagging, data, new TaskModelOptions { HiddenSize = 4 });
        Assert.Equal(2, model.Predict(data).Rows(1));
        // A Jordan network is one forward layer: its tagger reads left to right, whatever the task's default.
        TaskModel jordan = TaskModel.Create(TaskKind.Tagging, data, new TaskModelOptions { Cell = CellType.Jordan, HiddenSize = 4 });
        Assert.False(jordan.Model.Config.Bidirectional);
        Assert.Equal(2, jordan.Predict(data).Rows(1));
    }

    /// <summary>A .npz of float32 arrays, as numpy.savez writes one.</summary>
    internal static void WriteNpz(string path, params (string Name, float[] Data, int[] Shape)[] arrays)
    {
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach ((string name, float[] data, int[] shape) in arrays)
        {
            using Stream stream = zip.CreateEntry(name + ".npy").Open();
            NpyFormat.Write(stream, data, shape);
        }
    }
}
