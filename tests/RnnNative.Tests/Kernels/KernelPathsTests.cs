using System.Runtime.Intrinsics;
using RnnNative.Kernels;

namespace RnnNative.Tests.Kernels;

public class KernelPathsTests
{
    [Fact]
    public void Scalar_is_always_available_and_best_is_the_widest()
    {
        Assert.Contains(KernelPath.Scalar, KernelPaths.Available);
        Assert.Equal(KernelPaths.Available.Max(), KernelPaths.Best);
    }

    [Fact]
    public void Available_paths_follow_the_hardware()
    {
        Assert.Equal(Vector512.IsHardwareAccelerated, KernelPaths.Available.Contains(KernelPath.Avx512));
        Assert.Equal(Vector128.IsHardwareAccelerated, KernelPaths.Available.Contains(KernelPath.Vector128));
    }

    [Theory]
    [InlineData("scalar", KernelPath.Scalar)]
    [InlineData("V128", KernelPath.Vector128)]
    [InlineData(" scalar ", KernelPath.Scalar)]
    public void Forced_path_is_honoured(string value, KernelPath expected)
    {
        Assert.Equal(expected, KernelPaths.Resolve(value));
    }

    [Fact]
    public void Empty_setting_picks_the_best()
    {
        Assert.Equal(KernelPaths.Best, KernelPaths.Resolve(null));
        Assert.Equal(KernelPaths.Best, KernelPaths.Resolve(""));
    }

    [Fact]
    public void Unknown_path_is_a_clear_error()
    {
        NotSupportedException error = Assert.Throws<NotSupportedException>(() => KernelPaths.Resolve("avx9000"));
        Assert.Contains("RNN_KERNEL", error.Message);
        Assert.Contains("avx512", error.Message);
    }

    [Theory]
    [MemberData(nameof(Support.KernelPathData.Available), MemberType = typeof(Support.KernelPathData))]
    public void Kernel_set_reports_its_path(KernelPath path)
    {
        Assert.Equal(path, KernelSet.For(path).Path);
    }
}
