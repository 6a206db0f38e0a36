namespace RnnNative.Reporting;

/// <summary>A loss curve: training and validation loss against the update number and the training time.</summary>
public sealed class LossCurve
{
    private readonly List<CurvePoint> _training = [];
    private readonly List<CurvePoint> _validation = [];

    /// <summary>Training loss points, in update order.</summary>
    public IReadOnlyList<CurvePoint> Training => _training;

    /// <summary>Validation loss points, in update order.</summary>
    public IReadOnlyList<CurvePoint> Validation => _validation;

    /// <summary>Adds a training point; non-finite losses are skipped (they would break the scale).</summary>
    public void AddTraining(CurvePoint point)
    {
        if (double.IsFinite(point.Loss)) _training.Add(point);
    }

    /// <summary>Adds a validation point; non-finite losses are skipped.</summary>
    public void AddValidation(CurvePoint point)
    {
        if (double.IsFinite(point.Loss)) _validation.Add(point);
    }

    /// <summary>A self-contained SVG picture of both curves (see <see cref="LossPlot"/>).</summary>
    public string ToSvg(string title = "loss") => LossPlot.Svg(_training, _validation, title);
}
