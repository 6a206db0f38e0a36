using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using RnnNative.Data;
using RnnNative.Datasets;
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
/// <param name="Checksum">CRC-32C of the ids of both parts, training first, each as a little-endian int32 (sequence sets: see <see cref="Of(SequenceSet, SequenceSet?, DataOrigin)"/>).</param>
public sealed record TrainingData(DataOrigin Origin, double ValidationFraction, long TrainTokens, long ValidationTokens, uint Checksum)
{
    private const int ChunkTokens = 1 << 16;

    /// <summary>Sequences of the training part; 0 for a language model's stream of tokens.</summary>
    public long TrainSequences { get; init; }

    /// <summary>Sequences of the validation part; 0 for a language model's stream (or no validation set).</summary>
    public long ValidationSequences { get; init; }

    /// <summary>The record of <paramref name="data"/>, from <paramref name="origin"/>; reads every token once.</summary>
    public static TrainingData Of(CorpusSplit data, DataOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(origin);
        uint crc = Crc(0, data.Train);
        crc = Crc(crc, data.Validation);
        return new(origin, data.ValidationFraction, data.Train.Length, data.Validation.Length, crc);
    }

    /// <summary>
    /// The record of a run over whole sequences: <paramref name="train"/> and the optional <paramref name="validation"/> set.
    /// The token counts are the sets' timesteps (Σ lengths); the checksum is the CRC-32C over each set in turn (training
    /// first) of its offsets (the lengths' running sums), its inputs (token ids, or the features' float32 bits) and its targets (class ids, or the
    /// values' float32 bits), each little-endian; reads every number once. The validation fraction is NaN (the host split
    /// the data or read a separate file); a host that split by a fraction records it with <c>with</c>.
    /// </summary>
    public static TrainingData Of(SequenceSet train, SequenceSet? validation, DataOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(origin);
        uint crc = Crc(0, train);
        if (validation is not null) crc = Crc(crc, validation);
        return new(origin, double.NaN, train.Positions, validation?.Positions ?? 0, crc)
        {
            TrainSequences = train.Count,
            ValidationSequences = validation?.Count ?? 0,
        };
    }

    /// <summary>
    /// The record of a run over pairs: <paramref name="train"/> and the optional <paramref name="validation"/> set. Sequences
    /// count pairs, tokens count both sides' tokens; the checksum is the CRC-32C over each set in turn (training first) of
    /// its source offsets, source tokens, target offsets and target tokens, each little-endian. The validation fraction is
    /// NaN, as for <see cref="Of(SequenceSet, SequenceSet?, DataOrigin)"/>.
    /// </summary>
    public static TrainingData Of(PairSet train, PairSet? validation, DataOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(origin);
        uint crc = Crc(0, train);
        if (validation is not null) crc = Crc(crc, validation);
        return new(origin, double.NaN, Tokens(train), validation is null ? 0 : Tokens(validation), crc)
        {
            TrainSequences = train.Count,
            ValidationSequences = validation?.Count ?? 0,
        };

        static long Tokens(PairSet set) => (long)set.SourceTokens.Length + set.TargetTokens.Length;
    }

    /// <summary>True when <paramref name="other"/> holds the same tokens (and sequences) split the same way (the origins may differ: a moved file is the same data).</summary>
    public bool SameTokens(TrainingData other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return TrainTokens == other.TrainTokens && ValidationTokens == other.ValidationTokens && Checksum == other.Checksum
            && TrainSequences == other.TrainSequences && ValidationSequences == other.ValidationSequences;
    }

    /// <summary>How <paramref name="now"/> differs from this recorded data, as a phrase for an error
    /// message ("it has 1,000 tokens where the run's data had 1,115,394", "it has 90 sequences where the run's data had 100");
    /// null when the tokens are the same.</summary>
    public string? DifferenceTo(TrainingData now)
    {
        ArgumentNullException.ThrowIfNull(now);
        if (SameTokens(now)) return null;
        return Differ("sequences", TrainSequences, ValidationSequences, now.TrainSequences, now.ValidationSequences)
            ?? Differ(TrainSequences + ValidationSequences > 0 ? "timesteps" : "tokens", TrainTokens, ValidationTokens, now.TrainTokens, now.ValidationTokens)
            ?? $"it has as many {(TrainSequences + ValidationSequences > 0 ? "sequences and timesteps" : "tokens")} as the run's data but not the same ones";
    }

    /// <summary>How counts of <paramref name="unit"/> differ (in total, then in the held-out part), or null when they do not.</summary>
    private static string? Differ(string unit, long train, long validation, long trainNow, long validationNow)
    {
        long then = train + validation, count = trainNow + validationNow;
        if (count != then) return string.Format(CultureInfo.InvariantCulture, "it has {0:N0} {1} where the run's data had {2:N0}", count, unit, then);
        if (validation != validationNow)
        {
            return string.Format(CultureInfo.InvariantCulture, "it holds out {0:N0} {1} for validation where the run held out {2:N0}", validationNow, unit, validation);
        }
        return null;
    }

    /// <summary>The CRC-32C of <paramref name="set"/>'s offsets, inputs and targets appended to <paramref name="crc"/>.</summary>
    private static uint Crc(uint crc, SequenceSet set)
    {
        crc = Crc(crc, set.Offsets);   // [N+1]: the lengths' running sums
        crc = Crc(crc, set.Tokens);
        crc = Crc(crc, MemoryMarshal.Cast<float, int>(set.Features));
        crc = Crc(crc, set.Classes);
        return Crc(crc, MemoryMarshal.Cast<float, int>(set.Values));
    }

    /// <summary>The CRC-32C of <paramref name="set"/>'s offsets and tokens, source then target, appended to <paramref name="crc"/>.</summary>
    private static uint Crc(uint crc, PairSet set)
    {
        crc = Crc(crc, set.SourceOffsets);
        crc = Crc(crc, set.SourceTokens);
        crc = Crc(crc, set.TargetOffsets);
        return Crc(crc, set.TargetTokens);
    }

    /// <summary><paramref name="values"/> as little-endian int32s appended to <paramref name="crc"/>.</summary>
    private static uint Crc(uint crc, ReadOnlySpan<int> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            return Crc32C.Append(crc, MemoryMarshal.AsBytes(values));
        }
        Span<int> chunk = stackalloc int[256];
        for (int start = 0; start < values.Length; start += chunk.Length)
        {
            ReadOnlySpan<int> part = values.Slice(start, Math.Min(chunk.Length, values.Length - start));
            System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(part, chunk);
            crc = Crc32C.Append(crc, MemoryMarshal.AsBytes(chunk[..part.Length]));
        }
        return crc;
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
                crc = Crc(crc, ids);
            }
            return crc;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(chunk);
        }
    }
}
