using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using RnnNative.Data;
using RnnNative.IO;

namespace RnnNative.Runs;

/// <summary>
/// Which data a run trains on, recorded in its resumable checkpoint (training.json "data"), so that a
/// resume on other data is refused instead of silently continuing a walk over text the run never saw.
/// The fingerprint is what the trainer reads: the token counts of the two parts and a CRC-32C of every
/// token id, computed once per run (the CRC runs at about 9 GB/s on a Zen 5 core, see Crc32C: far less than encoding the text took).
/// </summary>
/// <param name="Origin">Where the host got the corpus from.</param>
/// <param name="ValidationFraction">The fraction held out for validation (NaN: the host split the data itself).</param>
/// <param name="TrainTokens">Tokens of the training part.</param>
/// <param name="ValidationTokens">Tokens of the validation part.</param>
/// <param name="Checksum">CRC-32C of the ids of both parts, training first, each as a little-endian int32.</param>
public sealed record TrainingData(DataOrigin Origin, double ValidationFraction, long TrainTokens, long ValidationTokens, uint Checksum)
{
    private const int ChunkTokens = 1 << 16;

    /// <summary>The record of <paramref name="data"/>, from <paramref name="origin"/>; reads every token once.</summary>
    public static TrainingData Of(CorpusSplit data, DataOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(origin);
        uint crc = Crc(0, data.Train);
        crc = Crc(crc, data.Validation);
        return new(origin, data.ValidationFraction, data.Train.Length, data.Validation.Length, crc);
    }

    /// <summary>True when <paramref name="other"/> holds the same tokens split the same way (the origins may differ: a moved file is the same data).</summary>
    public bool SameTokens(TrainingData other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return TrainTokens == other.TrainTokens && ValidationTokens == other.ValidationTokens && Checksum == other.Checksum;
    }

    /// <summary>How <paramref name="now"/> differs from this recorded data, as a phrase for an error
    /// message ("it has 1,000 tokens where the run's data had 1,115,394"); null when the tokens are the same.</summary>
    public string? DifferenceTo(TrainingData now)
    {
        ArgumentNullException.ThrowIfNull(now);
        long then = TrainTokens + ValidationTokens, count = now.TrainTokens + now.ValidationTokens;
        if (SameTokens(now)) return null;
        if (count != then) return string.Format(CultureInfo.InvariantCulture, "it has {0:N0} tokens where the run's data had {1:N0}", count, then);
        if (ValidationTokens != now.ValidationTokens)
        {
            return string.Format(CultureInfo.InvariantCulture, "it holds out {0:N0} tokens for validation where the run held out {1:N0}", now.ValidationTokens, ValidationTokens);
        }
        return "it has as many tokens as the run's data but not the same ones";
    }

    private static uint Crc(uint crc, TokenSequence tokens)
    {
        int[] chunk = ArrayPool<int>.Shared.Rent((int)Math.Min(ChunkTokens, Math.Max(1, tokens.Length)));
        try
        {
            for (long start = 0; start < tokens.Length; start += ChunkTokens)
            {
                Span<int> ids = chunk.AsSpan(0, (int)Math.Min(ChunkTokens, tokens.Length - start));
                tokens.CopyTo(start, ids);
                if (!BitConverter.IsLittleEndian)
                {
                    System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(ids, ids);
                }
                crc = Crc32C.Append(crc, MemoryMarshal.AsBytes(ids));
            }
            return crc;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(chunk);
        }
    }
}
