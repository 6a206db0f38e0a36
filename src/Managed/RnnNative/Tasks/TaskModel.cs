using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Metrics;
using RnnNative.Model;

namespace RnnNative.Tasks;

/// <summary>A task model read back from a file, with the training state when the file is a resumable checkpoint.</summary>
public sealed record LoadedTaskModel(TaskModel Model, Runs.TrainingOptions? Options, Runs.TrainingSnapshot? Training);

/// <summary>
/// A whole-sequence model with what it takes to read its task's files: the <see cref="SequenceModel"/> and the
/// <see cref="TaskEncoding"/> (input vocabulary, labels) its training data fixed. What a model file holds, and what
/// every front door evaluates and predicts with.
/// </summary>
public sealed class TaskModel
{
    /// <summary>Sequences per batch of <see cref="Evaluate"/> and <see cref="Predict"/> when none is given.</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>A model of <paramref name="task"/> over <paramref name="encoding"/>'s data.</summary>
    /// <exception cref="ArgumentException">The model does not fit the encoding (other inputs, outputs or targets).</exception>
    public TaskModel(TaskKind task, SequenceModel model, TaskEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoding);
        SequenceModelConfig c = model.Config;
        if (task.Model != c.Kind || c.Target != encoding.Target || c.Outputs != encoding.Outputs
            || c.FeatureSize != encoding.FeatureSize || c.VocabularySize != encoding.VocabularySize)
        {
            throw new ArgumentException($"a {c.Kind} of {c.Outputs} outputs over {(c.FeatureSize > 0 ? $"{c.FeatureSize} features" : $"{c.VocabularySize} tokens")} does not fit {task.Name} data of {TaskEncoding.Describe(encoding.Target, encoding.ValueSize)} ({encoding.Outputs} outputs).", nameof(model));
        }
        Task = task;
        Model = model;
        Encoding = encoding;
    }

    /// <summary>A new model of <paramref name="task"/> for the data <paramref name="training"/> (its encoding), with
    /// <paramref name="options"/> (defaults: <see cref="TaskModelOptions"/>), its weights drawn from the options' seed.</summary>
    public static TaskModel Create(TaskKind task, TaskData training, TaskModelOptions? options = null, KernelSet? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        options ??= new TaskModelOptions();
        SequenceModel model = new(options.Resolve(task, training.Encoding), kernels);
        model.Initialize(options.Seed);
        return new TaskModel(task, model, training.Encoding);
    }

    /// <summary>Loads a model file written by <see cref="Save"/> (or a <see cref="TaskTraining"/> checkpoint, whose training
    /// state comes with it); a <see cref="IO.CheckpointFormatException"/> names what is wrong, and a language model's file is refused.</summary>
    public static LoadedTaskModel Load(string path, KernelSet? kernels = null) => FromFile(SequenceModelFile.Load(path, kernels));

    /// <summary>As <see cref="Load(string, KernelSet?)"/>, from memory.</summary>
    public static LoadedTaskModel Load(ReadOnlySpan<byte> bytes, KernelSet? kernels = null) => FromFile(SequenceModelFile.Load(bytes, kernels));

    /// <summary>The task model of a loaded sequence-model file (<see cref="ModelFiles.Load(string, KernelSet?)"/> reads any kind once).</summary>
    public static LoadedTaskModel FromFile(LoadedSequenceModel file)
    {
        ArgumentNullException.ThrowIfNull(file);
        SequenceModelConfig c = file.Model.Config;
        TaskEncoding encoding = new(c.VocabularySize, c.FeatureSize, c.Target, c.Outputs) { Inputs = file.Inputs, Labels = file.Labels };
        return new LoadedTaskModel(new TaskModel(TaskKind.Of(c.Kind), file.Model, encoding), file.Options, file.Training);
    }

    /// <summary>Writes the model, its vocabulary and its labels to <paramref name="path"/>, atomically.</summary>
    public void Save(string path) => SequenceModelFile.Save(path, Model, Encoding.Inputs, Encoding.Labels);

    /// <summary>The bytes <see cref="Save"/> writes, for hosts that store models themselves.</summary>
    public byte[] ToBytes() => SequenceModelFile.ToBytes(Model, Encoding.Inputs, Encoding.Labels);

    /// <summary>The task it was trained for.</summary>
    public TaskKind Task { get; }

    /// <summary>The network.</summary>
    public SequenceModel Model { get; }

    /// <summary>Its inputs' vocabulary and its labels.</summary>
    public TaskEncoding Encoding { get; }

    /// <summary>Reads <paramref name="path"/> for this model (its encoding; <paramref name="options"/> only for CSV columns).</summary>
    public TaskData Read(string path, TaskDataOptions? options = null, bool requireTargets = true) =>
        TaskData.Read(Task, path, options, Encoding, requireTargets);

    /// <summary>The model's outputs for every sequence of <paramref name="data"/>, in its order, in batches of <paramref name="batchSize"/>.</summary>
    public TaskPredictions Predict(TaskData data, int batchSize = DefaultBatchSize) => Run(data, batchSize, loss: null);

    /// <summary>The mean loss and the task's metrics over <paramref name="data"/> (which must have its targets).</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> has no targets (a CoNLL file without tags).</exception>
    public TaskEvaluation Evaluate(TaskData data, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.HasTargets)
        {
            throw new ArgumentException($"{data.Source}: has no targets to score against (a CoNLL file needs its tag column).", nameof(data));
        }
        double[] loss = new double[2];   // Σ loss, Σ loss terms
        TaskPredictions predictions = Run(data, batchSize, loss);
        double mean = loss[0] / Math.Max(1, loss[1]);
        return Task.Score(data, predictions, mean);
    }

    /// <summary>Predicts every batch of <paramref name="data"/> in order; with <paramref name="loss"/>, also sums the
    /// loss and its terms into it.</summary>
    private TaskPredictions Run(TaskData data, int batchSize, double[]? loss)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Encoding.Check(data.Set, data.Source);
        SequenceSet set = data.Set;
        bool perTimestep = Model.Config.HeadPerTimestep;
        int width = Model.Config.Outputs;
        float[][] outputs = new float[set.Count][];
        SequenceBatcher batcher = new(set, batchSize, BatchOrder.InOrder);
        float[] batchOutputs = [];
        while (batcher.Next(out SequenceBatch batch))
        {
            if (loss is not null)
            {
                loss[0] += Model.EvaluateBatch(batch);
                loss[1] += Model.LossTerms(batch);
            }
            int rows = (perTimestep ? batch.Timesteps * batch.Batch : batch.Batch) * width;
            if (batchOutputs.Length < rows) batchOutputs = new float[rows];
            Span<float> predicted = batchOutputs.AsSpan(0, rows);
            Model.Predict(batch, predicted);
            for (int b = 0; b < batch.Batch; b++)
            {
                // Rows are time-major: timestep t of column b is row t*B + b.
                int length = perTimestep ? batch.Lengths[b] : 1;
                float[] example = outputs[batch.Examples[b]] = new float[length * width];
                for (int t = 0; t < length; t++)
                {
                    predicted.Slice((t * batch.Batch + b) * width, width).CopyTo(example.AsSpan(t * width));
                }
            }
        }
        return new TaskPredictions(Encoding, perTimestep, outputs);
    }
}
