using RnnNative.Datasets;
using RnnNative.IO;
using RnnNative.Runs;
using RnnNative.Training;

namespace RnnNative.Tasks;

/// <summary>
/// Trains a <see cref="TaskModel"/> on a task's data with the one training loop (<see cref="TrainingLoop"/> over a
/// <see cref="SequenceTask"/>): batches of <see cref="TrainingOptions.BatchSize"/> whole sequences bucketed by length,
/// validation on held-out data, checkpoints written as the model's own files (kind, vocabulary, labels) with the
/// training state, so <see cref="Resume"/> continues a run exactly. <see cref="TrainingOptions.SequenceLength"/> is not
/// used: each sequence is one window.
/// </summary>
public sealed class TaskTraining
{
    /// <summary>Trains <paramref name="model"/> on <paramref name="training"/>, validating on <paramref name="validation"/>, or,
    /// when it is null, on the share <paramref name="validationFraction"/> of the training sequences held out by
    /// <see cref="TrainingOptions.Seed"/> (0: no validation).</summary>
    /// <exception cref="ArgumentException">The data does not fit the model, or an option is out of range.</exception>
    public TaskTraining(TaskModel model, TaskData training, TaskData? validation, TrainingOptions options, double validationFraction = 0.1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(options);
        if (!(validationFraction >= 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "must be in [0, 1)");
        }
        model.Encoding.Check(training.Set, training.Source);
        if (validation is not null) model.Encoding.Check(validation.Set, validation.Source);
        SequenceSet train = training.Set;
        SequenceSet? held = validation?.Set;
        if (validation is null && (int)(train.Count * validationFraction) > 0)
        {
            (train, held) = train.Split(validationFraction, options.Seed);
        }
        Model = model;
        Validation = validation ?? (held is null ? null : TaskData.FromSet(held, model.Encoding, $"{training.Source} (held out)"));
        Loop = new TrainingLoop(new SequenceTask(model.Model, train, held, options), options);
        TrainingSequences = train.Count;
        ValidationSequences = held?.Count ?? 0;
        PaddedFraction = new SequenceBatcher(train, options.BatchSize, BatchOrder.Bucketed, options.Seed).PaddedFraction();
    }

    /// <summary>The model trained.</summary>
    public TaskModel Model { get; }

    /// <summary>The loop: run it, watch its progress and curve, capture its state.</summary>
    public TrainingLoop Loop { get; }

    /// <summary>The data validated on, for its metrics at the end (<see cref="TaskModel.Evaluate"/>): the validation data given,
    /// or the held-out share of the training data; null: no validation.</summary>
    public TaskData? Validation { get; }

    /// <summary>Sequences trained on.</summary>
    public int TrainingSequences { get; }

    /// <summary>Sequences validated on (0: no validation).</summary>
    public int ValidationSequences { get; }

    /// <summary>The share of padding in the training batches (of the first epoch): what bucketing by length leaves.</summary>
    public double PaddedFraction { get; }

    /// <summary>Where the loop saves resumable checkpoints by itself: the latest at this path, the best validation next to
    /// it (<see cref="CheckpointSaver.BestPath"/>); null: never.</summary>
    public string? Checkpoints
    {
        get => Loop.Checkpoints?.Path;
        set => Loop.Checkpoints = value is null ? null : new CheckpointSaver(value, Save);
    }

    /// <summary>Saves a resumable checkpoint at <paramref name="path"/>, atomically: the model's file plus the training state.</summary>
    public void SaveCheckpoint(string path) => Save(path, Loop.Capture());

    /// <summary>
    /// Continues the run saved in <paramref name="checkpoint"/>: its weights, optimizer state, data position, clocks and
    /// curves, so training goes on as if it had never stopped (given the same data and options). A checkpoint of other
    /// data is refused unless <paramref name="acceptOtherData"/>; nothing changes when it is refused.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file holds no training state.</exception>
    /// <exception cref="ArgumentException">Its model differs from this one, or its data (see <see cref="TrainingLoop.Restore"/>).</exception>
    public void Resume(LoadedTaskModel checkpoint, bool acceptOtherData = false)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Training is null)
        {
            throw new CheckpointFormatException("the model file holds no training state (save it with a training's checkpoint).");
        }
        if (checkpoint.Model.Model.Config != Model.Model.Config)
        {
            throw new ArgumentException($"the checkpoint's model ({checkpoint.Model.Model.Config}) differs from the one trained ({Model.Model.Config}).", nameof(checkpoint));
        }
        Loop.Restore(checkpoint.Training, acceptOtherData);
        CopyWeights(checkpoint.Model.Model.NamedTensors(), Model.Model.NamedTensors());
        Model.Model.Version.Advance();
    }

    /// <summary>Copies every tensor of <paramref name="source"/> into the tensor at the same place of <paramref name="target"/>
    /// (two models of one config: a checkpoint's weights into the model being trained).</summary>
    internal static void CopyWeights(IEnumerable<(string Name, int[] Shape, Memory<float> Values)> source, IEnumerable<(string Name, int[] Shape, Memory<float> Values)> target)
    {
        using IEnumerator<(string Name, int[] Shape, Memory<float> Values)> into = target.GetEnumerator();
        foreach ((string _, int[] _, Memory<float> values) in source)
        {
            into.MoveNext();
            values.Span.CopyTo(into.Current.Values.Span);
        }
    }

    private void Save(string path, TrainingSnapshot snapshot) =>
        RnnNative.Model.SequenceModelFile.Save(path, Model.Model, Model.Encoding.Inputs, Model.Encoding.Labels, Loop.Options, snapshot);
}
