namespace RnnNative.Kernels.Step;

/// <summary>Conversion to bfloat16, the upper 16 bits of a float32 (same exponent range, 8-bit mantissa).</summary>
internal static class BFloat16
{
    /// <summary>Rounds to the nearest bfloat16, ties to even; infinities stay, NaN stays a (quiet) NaN.</summary>
    public static ushort FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40);
        }
        // Adding 0x7FFF plus the lowest kept bit rounds half-way cases to the even neighbour.
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>The float32 a bfloat16 stands for (exact).</summary>
    public static float ToSingle(ushort value) => BitConverter.Int32BitsToSingle(value << 16);
}
