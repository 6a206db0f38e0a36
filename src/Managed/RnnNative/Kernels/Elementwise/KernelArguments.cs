using System.Runtime.CompilerServices;
using System.Text;

namespace RnnNative.Kernels.Elementwise;

/// <summary>The argument checks every kernel shares, so each message names the caller's parameter.</summary>
internal static class KernelArguments
{
    /// <summary>Two inputs of one elementwise operation must have the same length.</summary>
    public static void SameLength(int expected, int actual, string expectedName, string actualName)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{actualName} has {actual} elements but {expectedName} has {expected}; they must be equal.", actualName);
        }
    }

    /// <summary>A span must hold at least <paramref name="needed"/> elements (computed in long so
    /// products of sizes cannot overflow into a pass). <paramref name="shape"/> is an interpolated
    /// string that is only formatted when the check fails: kernels run in hot loops, and formatting
    /// it every call would allocate.</summary>
    public static void AtLeast(int length, long needed, string name, [InterpolatedStringHandlerArgument(nameof(length), nameof(needed))] ref FailureMessage shape)
    {
        if (length < needed)
        {
            throw new ArgumentException($"{name} has {length} elements but {shape.ToStringAndClear()} needs {needed}.", name);
        }
    }

    /// <summary>An interpolated string built only when <c>length &lt; needed</c>, i.e. when it will be thrown. It holds one
    /// reference, null on a pass: a <see cref="DefaultInterpolatedStringHandler"/> field made every check (a dozen a sampled
    /// token) clear 40 bytes of stack and read part of them back, a tenth of a token's time at small models.</summary>
    [InterpolatedStringHandler]
    public ref struct FailureMessage
    {
        private readonly StringBuilder? _text;

        public FailureMessage(int literalLength, int formattedCount, int length, long needed, out bool shouldAppend)
        {
            shouldAppend = length < needed;
            _text = shouldAppend ? new StringBuilder(literalLength + 8 * formattedCount) : null;
        }

        public void AppendLiteral(string value) => _text!.Append(value);

        public void AppendFormatted<T>(T value) => _text!.Append(value);

        public string ToStringAndClear() => _text?.ToString() ?? "";
    }

    /// <summary>An output that a kernel cannot compute in place must not overlap the input at all.</summary>
    public static void Disjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> output, string inputName, string outputName)
    {
        if (input.Overlaps(output))
        {
            throw new ArgumentException($"{outputName} overlaps {inputName}; they must be separate buffers.", outputName);
        }
    }

    /// <summary>An output that may be computed in place must be the input itself or not overlap it:
    /// a partial overlap would read elements the loop has already overwritten.</summary>
    public static void InPlaceOrDisjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> output, string inputName, string outputName)
    {
        if (input.Overlaps(output, out int offset) && offset != 0)
        {
            throw new ArgumentException($"{outputName} partially overlaps {inputName}; it must be the same span (in place) or not overlap it.", outputName);
        }
    }
}
