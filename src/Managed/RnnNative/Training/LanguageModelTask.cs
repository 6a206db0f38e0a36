using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;

namespace RnnNative.Training;

/// <summary>
/// The char-rnn data walk as a <see cref="ITrainingTask"/>: windows of T timesteps over B streams of the
/// training part (<see cref="StreamBatcher"/>), with the hidden state carried from window to window and
/// reset at each epoch, and validation over the held-out part, each token predicted once
/// (<see cref="Evaluation.MeanLoss"/>). A batch is a window; its items are its T·B tokens.
/// </summary>
public sealed class LanguageModelTask : ITrainingTask
{
    private readonly LanguageModel _model;
    private readonly CorpusSplit _data;
    private readonly StreamBatcher _batcher;
    private readonly int[] _inputs;    // [T, B]
    private readonly int[] _targets;   // [T, B]
    private readonly RecurrentState _state;
    private readonly int _steps;

    /// <summary>Windows of <paramref name="steps"/> timesteps over <paramref name="batchSize"/> streams of <paramref name="data"/>'s training part, trained into <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The training part is too short for one window.</exception>
    public LanguageModelTask(LanguageModel model, CorpusSplit data, int steps, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        _model = model;
        _data = data;
        _steps = steps;
        _batcher = new StreamBatcher(data.Train, batchSize, steps);
        _inputs = new int[steps * batchSize];
        _targets = new int[_inputs.Length];
        _state = new RecurrentState(model.Config, batchSize);
    }

    /// <inheritdoc/>
    public IReadOnlyList<ParameterBlock> Blocks => _model.Blocks;

    /// <inheritdoc/>
    public KernelSet Kernels => _model.Kernels;

    /// <summary>Windows per pass over the training part.</summary>
    public long BatchesPerEpoch => _batcher.WindowsPerEpoch;

    /// <inheritdoc/>
    public long Epoch => _batcher.Position.Epoch;

    /// <summary>The next window's index within <see cref="Epoch"/>.</summary>
    public long Batch => _batcher.Position.Window;

    /// <summary>T·B tokens per window.</summary>
    public long ItemsPerBatch => _inputs.Length;

    /// <summary>True when the held-out part has a token to predict (2 tokens or more).</summary>
    public bool CanValidate => _data.Validation.Length > 1;

    /// <inheritdoc/>
    public void Seek(long epoch, long batch) => _batcher.Position = new BatcherPosition(epoch, batch);

    /// <inheritdoc/>
    public bool NextBatch() => _batcher.NextWindow(_inputs, _targets);

    /// <summary>Every stream starts over from its beginning, so its state does too.</summary>
    public void StartEpoch() => _state.Reset();

    /// <summary>Truncated BPTT over the window from the carried state, which it leaves at the window's end; the mean loss per token.</summary>
    public double TrainBatch(ulong seed, long update) =>
        _model.TrainWindow(_inputs, _targets, _steps, _state, seed, update) / _inputs.Length;

    /// <summary>Mean loss in nats per token over the held-out part (or its first <paramref name="batches"/> windows), predicting each token once.</summary>
    public double Validate(int batches) => Evaluation.MeanLoss(_model, _data.Validation, _state.Batch, _steps, batches);

    /// <summary>The token counts and checksum of both parts (reads every token once).</summary>
    public TrainingData DescribeData(DataOrigin origin) => TrainingData.Of(_data, origin);

    /// <summary>The hidden and cell state [L, B, H] carried into the next window.</summary>
    public CarriedState CaptureCarriedState() => new((float[])_state.Hidden.Clone(), (float[])_state.Cell.Clone());

    /// <inheritdoc/>
    public void CheckCarriedState(CarriedState saved)
    {
        if (saved.Hidden.Length != _state.Hidden.Length || saved.Cell.Length != _state.Cell.Length)
        {
            throw new ArgumentException($"the hidden state in the snapshot does not fit batch size {_state.Batch}; resume with the batch size it was trained with.", "snapshot");
        }
    }

    /// <inheritdoc/>
    public void RestoreCarriedState(CarriedState saved)
    {
        CheckCarriedState(saved);
        saved.Hidden.CopyTo(_state.Hidden, 0);
        saved.Cell.CopyTo(_state.Cell, 0);
    }
}
