using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnNative.Kernels.Gemm;

/// <summary>
/// Float storage on the pinned heap whose usable part starts on a 64-byte boundary, so packed
/// panels never split a vector load across cache lines. Grows, never shrinks; one per thread for
/// packing (see <see cref="ForThisThread"/>), so a steady-state GEMM allocates nothing.
/// </summary>
internal sealed unsafe class AlignedBuffer
{
    /// <summary>Floats of slack so the start can be moved to a 64-byte boundary.</summary>
    internal const int Slack = 64 / sizeof(float) - 1;

    [ThreadStatic]
    private static (AlignedBuffer A, AlignedBuffer B)? t_packing;

    private float[] _storage = [];
    private float* _start;

    /// <summary>This thread's buffers for packed A and packed B blocks.</summary>
    public static (AlignedBuffer A, AlignedBuffer B) ForThisThread => t_packing ??= (new AlignedBuffer(), new AlignedBuffer());

    /// <summary>A 64-byte aligned pointer to at least <paramref name="length"/> floats (contents undefined).</summary>
    public float* Ensure(int length)
    {
        if (_storage.Length < length + Slack)
        {
            _storage = Allocate(length);
            _start = Align((float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_storage)));
        }
        return _start;
    }

    /// <summary>A pinned array big enough for <paramref name="length"/> aligned floats.</summary>
    public static float[] Allocate(int length) => GC.AllocateUninitializedArray<float>(length + Slack, pinned: true);

    /// <summary>The first 64-byte aligned element at or after <paramref name="first"/>, the start of an
    /// array made by <see cref="Allocate"/> (pinned, so the address, and with it the offset, never changes).</summary>
    public static float* Align(float* first) => (float*)(((nuint)first + 63) & ~(nuint)63);
}
