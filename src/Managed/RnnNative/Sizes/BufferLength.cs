namespace RnnNative.Sizes;

/// <summary>
/// The one place where sizes that come from input (a config, a file's header, a C argument) become
/// buffer lengths: products in checked 64-bit arithmetic, capped at the largest .NET array
/// (<see cref="Array.MaxLength"/> elements, 8 GiB of floats). Every buffer the engine sizes from
/// such numbers goes through here, so a size that would overflow 32-bit indexing is refused when the
/// object is created, naming the input, instead of wrapping to a negative or empty buffer later.
/// </summary>
public static class BufferLength
{
    /// <summary>The most elements one buffer may hold.</summary>
    public const long Max = 0x7FFFFFC7;   // Array.MaxLength, as a constant for messages and limits

    /// <summary>The product of <paramref name="factors"/> (each &gt;= 0), or -1 when it exceeds <see cref="Max"/>.</summary>
    public static long Product(params ReadOnlySpan<long> factors)
    {
        long product = 1;
        foreach (long factor in factors)
        {
            if (factor < 0) return -1;
            if (factor == 0) return 0;
        }
        foreach (long factor in factors)
        {
            if (product > Max / factor) return -1;
            product *= factor;
        }
        return product;
    }

    /// <summary>The product of <paramref name="factors"/> as a buffer length; throws
    /// <see cref="ArgumentOutOfRangeException"/> naming <paramref name="field"/> when it exceeds
    /// <see cref="Max"/>. <paramref name="what"/> says which buffer, e.g. "the embedding [V=65536, E=65536]".</summary>
    public static int Of(string field, string what, params ReadOnlySpan<long> factors)
    {
        long product = Product(factors);
        return product >= 0 ? (int)product : throw TooLarge(field, what);
    }

    /// <summary>The sum of buffer lengths, checked against <see cref="Max"/> as <see cref="Of"/> does.</summary>
    public static int Sum(string field, string what, params ReadOnlySpan<long> lengths)
    {
        long sum = 0;
        foreach (long length in lengths)
        {
            if (length < 0 || length > Max - sum) throw TooLarge(field, what);
            sum += length;
        }
        return (int)sum;
    }

    private static ArgumentOutOfRangeException TooLarge(string field, string what) =>
        new(field, $"{what} would exceed {Max:N0} elements, the most one buffer holds; use smaller sizes.");
}
