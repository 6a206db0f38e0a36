using RnnNative.Metrics;

namespace RnnNative.Tests.Metrics;

public class RegressionErrorsTests
{
    [Fact]
    public void Mse_and_mae_average_over_all_values_and_per_output()
    {
        // Two outputs, three rows in two calls. prediction - target per row: (-0.5, 0), (2, 0), (1, -3).
        RegressionErrors errors = new(outputs: 2);
        errors.Add([1f, 2f, 3f, 4f], [1.5f, 2f, 1f, 4f]);
        errors.Add([1f, -1f], [0f, 2f]);

        RegressionMetrics metrics = errors.Result();

        Assert.Equal(6, metrics.Values);
        Assert.Equal((0.25 + 0 + 4 + 0 + 1 + 9) / 6, metrics.Mse, 1e-12);
        Assert.Equal((0.5 + 0 + 2 + 0 + 1 + 3) / 6, metrics.Mae, 1e-12);
        Assert.Equal([(0.25 + 4 + 1) / 3, (0 + 0 + 9) / 3.0], metrics.MsePerOutput);
        Assert.Equal([(0.5 + 2 + 1) / 3, (0 + 0 + 3) / 3.0], metrics.MaePerOutput);
        Assert.Equal("MSE 2.375  MAE 1.0833", metrics.ToString());
    }

    [Fact]
    public void Nothing_counted_is_zero_and_partial_rows_are_refused()
    {
        RegressionErrors errors = new(outputs: 2);

        Assert.Equal((0.0, 0.0), (errors.Result().Mse, errors.Result().Mae));
        Assert.Throws<ArgumentException>(() => errors.Add([1f, 2f, 3f], [1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => errors.Add([1f, 2f], [1f, 2f, 3f, 4f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegressionErrors(0));
    }
}
