using RnnNative.Diagnostics;

namespace RnnNative.Tests.Diagnostics;

public sealed class ErrorTextTests
{
    public static TheoryData<Exception, string> Cases() => new()
    {
        { Thrown(() => ArgumentOutOfRangeException.ThrowIfLessThan(0, 1, "config->seq_len")), "config->seq_len: must be at least 1, not 0" },
        { Thrown(() => ArgumentOutOfRangeException.ThrowIfGreaterThan(65, 64, "Layers")), "Layers: must be at most 64, not 65" },
        { Thrown(() => ArgumentOutOfRangeException.ThrowIfNegative(-3, "Epochs")), "Epochs: must be 0 or more, not -3" },
        { new ArgumentOutOfRangeException("validationFraction", 1.5, "must be in [0, 1)"), "validationFraction: must be in [0, 1), not 1.5" },
        { new ArgumentNullException("out_vocab"), "out_vocab: is null" },
        { new ArgumentException("the corpus is not the one.", "snapshot"), "snapshot: the corpus is not the one." },
        { new IOException("disk full\nsecond line"), "disk full second line" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Argument_checks_read_as_one_line_without_dotnet_wording(Exception e, string expected)
    {
        Assert.Equal(expected, ErrorText.OneLine(e));
    }

    private static Exception Thrown(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }
        throw new InvalidOperationException("did not throw");
    }
}
