using System.Globalization;

namespace RnnNative.Metrics;

/// <summary>
/// A regressor's errors: mean squared error (the training loss, PyTorch's <c>MSELoss</c>) and mean absolute
/// error over all values, and both per output. Made by <see cref="RegressionErrors.Result"/>; all 0 when
/// nothing was counted.
/// </summary>
/// <param name="Values">The values counted: rows times outputs.</param>
/// <param name="Mse">Mean of (prediction - target)² over all values.</param>
/// <param name="Mae">Mean of |prediction - target| over all values.</param>
/// <param name="MsePerOutput">MSE of each output over the rows, [O].</param>
/// <param name="MaePerOutput">MAE of each output over the rows, [O].</param>
public sealed record RegressionMetrics(long Values, double Mse, double Mae, IReadOnlyList<double> MsePerOutput, IReadOnlyList<double> MaePerOutput)
{
    /// <summary>"MSE 0.0012346  MAE 0.028125" (five significant digits, invariant culture).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"MSE {Mse:G5}  MAE {Mae:G5}");
}
