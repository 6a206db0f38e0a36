using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>
/// The training loop drives a task that is not the language model: a line fitted to points by least
/// squares (<see cref="LineFitTask"/>), with no state carried between batches. It reaches its limits,
/// validates on its cadence, saves the latest and best checkpoints through the task's saver, stops on a NaN
/// loss without applying the update, and resumes at the saved position as if never stopped.
/// </summary>
public class TrainingLoopTests
{
    /// <summary>
    /// y = 3x - 1 + noise at 40 training and 12 held-out points, fitted as y ≈ a·x + b by mean squared error.
    /// The order of the training points depends on the epoch (a rotation), so resuming at the wrong position
    /// shows in the weights.
    /// </summary>
    private sealed class LineFitTask : ITrainingTask
    {
        private const int TrainPoints = 40;
        private readonly int _batchSize;
        private readonly (float X, float Y)[] _train;
        private readonly (float X, float Y)[] _validation;
        private readonly ParameterBlock _line = new("line", new float[2], new float[2]);   // [a, b]

        public LineFitTask(int batchSize)
        {
            _batchSize = batchSize;
            Random random = new(5);
            (float, float) Point(float x) => (x, 3 * x - 1 + (float)(0.1 * (random.NextDouble() - 0.5)));
            _train = [.. Enumerable.Range(0, TrainPoints).Select(i => Point(-1 + 2f * i / TrainPoints))];
            _validation = [.. Enumerable.Range(0, 12).Select(i => Point(-0.95f + 2f * i / 12))];
        }

        /// <summary>The update whose batch gives a NaN loss (updates applied before it); -1: none.</summary>
        public long PoisonedUpdate { get; init; } = -1;

        public int EpochsStarted { get; private set; }

        public float[] Line => _line.Values;

        public IReadOnlyList<ParameterBlock> Blocks => [_line];

        public KernelSet Kernels => KernelSet.For(KernelPath.Scalar);

        public long BatchesPerEpoch => TrainPoints / _batchSize;

        public long Epoch { get; private set; }

        public long Batch { get; private set; }

        public long ItemsPerBatch => _batchSize;

        public bool CanValidate => true;

        public void Seek(long epoch, long batch) => (Epoch, Batch) = (epoch, batch);

        public bool NextBatch()
        {
            if (Batch == BatchesPerEpoch)
            {
                (Epoch, Batch) = (Epoch + 1, 0);
                return false;
            }
            Batch++;
            return true;
        }

        public void StartEpoch() => EpochsStarted++;

        // loss = mean_i (a x_i + b - y_i)²;  dloss/da = mean_i 2 r_i x_i,  dloss/db = mean_i 2 r_i
        public double TrainBatch(ulong seed, long update)
        {
            if (update == PoisonedUpdate) return double.NaN;
            long first = (Epoch * 7 + (Batch - 1) * _batchSize) % TrainPoints;
            double loss = 0, da = 0, db = 0;
            for (int i = 0; i < _batchSize; i++)
            {
                (float x, float y) = _train[(first + i) % TrainPoints];
                double r = _line.Values[0] * x + _line.Values[1] - y;
                loss += r * r;
                da += 2 * r * x;
                db += 2 * r;
            }
            _line.Gradients[0] += (float)(da / _batchSize);
            _line.Gradients[1] += (float)(db / _batchSize);
            return loss / _batchSize;
        }

        public double Validate(int batches)
        {
            int count = batches > 0 ? Math.Min(_validation.Length, batches * _batchSize) : _validation.Length;
            return _validation.Take(count).Average(p => Math.Pow(_line.Values[0] * p.X + _line.Values[1] - p.Y, 2));
        }

        public TrainingData DescribeData(DataOrigin origin) => new(origin, double.NaN, TrainPoints, _validation.Length, Checksum: 0);

        public CarriedState CaptureCarriedState() => CarriedState.None;

        public void CheckCarriedState(CarriedState saved)
        {
            if (saved.Hidden.Length + saved.Cell.Length > 0) throw new ArgumentException("this task carries no state between batches.", "snapshot");
        }

        public void RestoreCarriedState(CarriedState saved) => CheckCarriedState(saved);
    }

    private static TrainingOptions Options(long updates = 0, int epochs = 0) => new(BatchSize: 4, ClipNorm: 0, MaxUpdates: updates, Epochs: epochs, EvaluateEvery: 7, ValidationWindows: 1)
    {
        Optimizer = new OptimizerConfig(OptimizerKind.Sgd, LearningRate: 0.5f),
    };

    [Fact]
    public void The_loop_trains_another_task_to_its_update_limit_and_validates_on_its_cadence()
    {
        LineFitTask task = new(batchSize: 4);
        TrainingLoop loop = new(task, Options(updates: 30));
        List<TrainingProgress> reports = [];
        List<double> bests = [];
        loop.Progress = reports.Add;
        loop.NewBest = bests.Add;

        Assert.Equal(TrainingStop.Completed, loop.Run());

        Assert.Equal(30, loop.Optimizer.UpdateCount);
        Assert.True(loop.Finished);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), loop.Curve.Training.Select(p => p.Update));
        Assert.Equal([7L, 14, 21, 28, 30], loop.Curve.Validation.Select(p => p.Update));
        Assert.Equal(31, reports.Count);                       // an update each, then the final validation
        Assert.Equal(2, task.EpochsStarted);                    // 10 batches per epoch
        Assert.Equal((2L, 10L, 120L), (loop.Capture().Epoch, loop.Capture().Window, loop.Capture().TokensSeen));
        // The line is found: y = 3x - 1 (the noise is ±0.05), and each better validation was a new best.
        Assert.InRange(task.Line[0], 2.8f, 3.2f);
        Assert.InRange(task.Line[1], -1.1f, -0.9f);
        Assert.True(loop.Curve.Validation[^1].Loss < 0.01, $"validation loss {loop.Curve.Validation[^1].Loss}");
        Assert.Equal(loop.BestValidationLoss, bests[^1]);
        Assert.Equal(bests.Order().Reverse(), bests);
    }

    [Fact]
    public void An_epoch_limit_stops_at_the_end_of_the_last_epoch()
    {
        LineFitTask task = new(batchSize: 8);
        TrainingLoop loop = new(task, Options(epochs: 3));

        Assert.Equal(TrainingStop.Completed, loop.Run());

        Assert.Equal(15, loop.Optimizer.UpdateCount);           // 5 batches per epoch
        Assert.Equal((3L, 0L), (task.Epoch, task.Batch));
        Assert.Equal(3, task.EpochsStarted);
        Assert.True(loop.Finished);
    }

    [Fact]
    public void Checkpoints_are_written_by_the_tasks_saver_after_validations_at_new_bests_and_on_return()
    {
        LineFitTask task = new(batchSize: 4);
        TrainingLoop loop = new(task, Options(updates: 30));
        List<(string Path, long Update)> written = [];
        loop.Checkpoints = new CheckpointSaver("run.rnn", (path, snapshot) => written.Add((path, snapshot.Update)));

        Assert.Equal(TrainingStop.UpdatesDone, loop.Run(updates: 10));
        Assert.Equal([("run.best.rnn", 7L), ("run.rnn", 7L), ("run.rnn", 10L)], written);

        written.Clear();
        loop.Run();
        // Update 28's validation (of the first batch only) is no better than 21's, so no best file then.
        Assert.True(loop.Curve.Validation[3].Loss >= loop.Curve.Validation[2].Loss);
        Assert.Equal([("run.best.rnn", 14L), ("run.rnn", 14L), ("run.best.rnn", 21L), ("run.rnn", 21L), ("run.rnn", 28L),
            ("run.best.rnn", 30L), ("run.rnn", 30L)], written);
    }

    [Fact]
    public void A_nan_loss_stops_the_loop_before_its_update_and_writes_no_checkpoint()
    {
        LineFitTask healthy = new(batchSize: 4);
        new TrainingLoop(healthy, Options(updates: 5)).Run();

        LineFitTask task = new(batchSize: 4) { PoisonedUpdate = 5 };
        TrainingLoop loop = new(task, Options(updates: 30));
        List<long> written = [];
        loop.Checkpoints = new CheckpointSaver("run.rnn", (_, snapshot) => written.Add(snapshot.Update));

        TrainingDivergedException error = Assert.Throws<TrainingDivergedException>(() => loop.Run());

        Assert.Contains("update 6", error.Message);
        Assert.Equal(5, loop.Optimizer.UpdateCount);
        Assert.Equal(healthy.Line, task.Line);
        Assert.Empty(written);
    }

    [Fact]
    public void A_run_captured_at_update_13_and_restored_into_a_new_loop_ends_as_the_unbroken_run()
    {
        LineFitTask straight = new(batchSize: 4);
        TrainingLoop unbroken = new(straight, Options(updates: 25));
        unbroken.Run();

        LineFitTask first = new(batchSize: 4);
        TrainingLoop interrupted = new(first, Options(updates: 25));
        interrupted.Run(updates: 13);
        TrainingSnapshot saved = interrupted.Capture();
        Assert.Equal((13L, 1L, 3L), (saved.Update, saved.Epoch, saved.Window));

        LineFitTask second = new(batchSize: 4);
        first.Line.CopyTo(second.Line, 0);     // the weights travel outside the snapshot
        TrainingLoop resumed = new(second, Options(updates: 25));
        resumed.Restore(saved);
        Assert.Equal((1L, 3L), (second.Epoch, second.Batch));
        Assert.False(resumed.Finished);
        resumed.Run();

        Assert.Equal(straight.Line, second.Line);
        Assert.Equal(unbroken.Optimizer.State, resumed.Optimizer.State);
        Assert.Equal(unbroken.Curve.Training.Select(p => p.Loss), resumed.Curve.Training.Select(p => p.Loss));
        Assert.Equal(unbroken.Curve.Validation.Select(p => (p.Update, p.Loss)), resumed.Curve.Validation.Select(p => (p.Update, p.Loss)));
        Assert.Equal((unbroken.Capture().Epoch, unbroken.Capture().Window), (resumed.Capture().Epoch, resumed.Capture().Window));
    }

    [Fact]
    public void A_snapshot_whose_carried_state_does_not_fit_the_task_is_refused_and_changes_nothing()
    {
        LineFitTask task = new(batchSize: 4);
        TrainingLoop loop = new(task, Options(updates: 5));
        TrainingSnapshot withState = new() { Update = 3, Hidden = new float[4], OptimizerState = [new float[2]] };

        Assert.Equal("snapshot", Assert.Throws<ArgumentException>(() => loop.Restore(withState)).ParamName);
        Assert.Equal(0, loop.Optimizer.UpdateCount);
    }
}
