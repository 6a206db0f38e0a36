using System.Text.RegularExpressions;
using RnnNative.Reporting;

namespace RnnNative.Tests.Reporting;

public class LossPlotTests
{
    [Theory]
    // range 2.977 / 6 = 0.496 -> step 0.5 (5 x 0.1), widened to whole steps
    [InlineData(1.433, 4.41, 6, 1.0, 4.5, 0.5, "1.0 1.5 2.0 2.5 3.0 3.5 4.0 4.5")]
    // 1743 / 8 = 217.9 -> step 500 (5 x 100)
    [InlineData(0, 1743, 8, 0, 2000, 500, "0 500 1000 1500 2000")]
    // 0.037 / 5 = 0.0074 -> step 0.01 (10 x 0.001)
    [InlineData(0, 0.037, 5, 0, 0.04, 0.01, "0.00 0.01 0.02 0.03 0.04")]
    // 180 / 6 = 30 -> step 50 (5 x 10)
    [InlineData(0, 180, 6, 0, 200, 50, "0 50 100 150 200")]
    public void A_scale_has_round_ticks_that_cover_the_range(double min, double max, int maxTicks, double expectedMin, double expectedMax, double expectedStep, string labels)
    {
        NiceScale scale = NiceScale.Cover(min, max, maxTicks);
        Assert.Equal(expectedMin, scale.Min, 1e-12);
        Assert.Equal(expectedMax, scale.Max, 1e-12);
        Assert.Equal(expectedStep, scale.Step, 1e-12);
        Assert.Equal(labels, string.Join(" ", scale.Ticks().Select(scale.Label)));
    }

    [Fact]
    public void A_time_maps_to_the_update_reached_then_by_interpolation()
    {
        CurvePoint[] training = [new(100, 2.0, 10), new(200, 1.9, 30), new(300, 1.8, 40)];
        Assert.Equal(50, LossPlot.UpdateAt(training, 5), 1e-9);    // between (0 s, 0) and (10 s, 100)
        Assert.Equal(150, LossPlot.UpdateAt(training, 20), 1e-9);
        Assert.Equal(200, LossPlot.UpdateAt(training, 30), 1e-9);
        Assert.Equal(250, LossPlot.UpdateAt(training, 35), 1e-9);
    }

    [Fact]
    public void The_picture_marks_every_validation_point_and_labels_round_losses_updates_and_seconds()
    {
        LossCurve curve = new();
        for (int step = 1; step <= 1000; step++) curve.AddTraining(new CurvePoint(step, 1.4 + 3 * Math.Exp(-step / 150.0), step * 0.12));
        foreach (int step in new[] { 200, 400, 600, 800, 1000 }) curve.AddValidation(new CurvePoint(step, 1.5 + 3 * Math.Exp(-step / 150.0), step * 0.12));

        string svg = curve.ToSvg("LSTM");
        Assert.Equal(5, Regex.Matches(svg, "<circle class=\"validation\"").Count);
        List<string> labels = Regex.Matches(svg, ">([^<>]+)</text>").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("1.5", labels);
        Assert.Contains("4.5", labels);
        Assert.Contains("1000", labels);
        Assert.DoesNotContain(labels, l => l.Contains("1.43", StringComparison.Ordinal)); // the old scale's raw minimum
        // 120 s of training: ticks every 20 s, each at the update reached then (20 s = update 166.7).
        Assert.Equal(7, Regex.Matches(svg, "<line class=\"seconds\"").Count);
        Assert.Contains("120", labels);
    }

    [Fact]
    public void A_curve_without_times_has_no_seconds_axis_and_no_markers_without_validation()
    {
        LossCurve curve = new();
        curve.AddTraining(new CurvePoint(1, 4.0, double.NaN));
        curve.AddTraining(new CurvePoint(2, 3.5, double.NaN));
        string svg = curve.ToSvg();
        Assert.DoesNotContain("class=\"seconds\"", svg);
        Assert.DoesNotContain("class=\"validation\"", svg);
        Assert.Contains("<polyline", svg);
    }
}
