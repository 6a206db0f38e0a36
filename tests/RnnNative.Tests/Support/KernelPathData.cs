using RnnNative.Kernels;

namespace RnnNative.Tests.Support;

/// <summary>xunit data: every kernel path this machine runs, so each test covers all of them,
/// not only the one the engine would pick.</summary>
public static class KernelPathData
{
    public static TheoryData<KernelPath> Available
    {
        get
        {
            TheoryData<KernelPath> data = [];
            foreach (KernelPath path in KernelPaths.Available)
            {
                data.Add(path);
            }
            return data;
        }
    }

    /// <summary>Every path except the scalar reference.</summary>
    public static TheoryData<KernelPath> Vectorized
    {
        get
        {
            TheoryData<KernelPath> data = [];
            foreach (KernelPath path in KernelPaths.Available.Where(p => p != KernelPath.Scalar))
            {
                data.Add(path);
            }
            return data;
        }
    }
}
