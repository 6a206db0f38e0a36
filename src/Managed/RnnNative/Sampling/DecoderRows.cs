using RnnNative.Model;

namespace RnnNative.Sampling;

/// <summary>What a search checks of a decoder before its first step.</summary>
internal static class DecoderRows
{
    /// <summary>The source of each starting row, [S]: a decoder starts with one row per source, so the rows must name
    /// sources 0..S-1 once each.</summary>
    public static int[] SourcesAtStart(IStepDecoder decoder)
    {
        int[] sources = decoder.Sources.ToArray();
        bool[] seen = new bool[sources.Length];
        foreach (int source in sources)
        {
            if ((uint)source >= (uint)sources.Length || seen[source])
            {
                throw new ArgumentException($"the decoder must start with one row per source (rows naming sources 0..{sources.Length - 1} once each), but its rows name [{string.Join(", ", sources)}].", nameof(decoder));
            }
            seen[source] = true;
        }
        if (decoder.Vocabulary <= Data.SpecialTokens.End)
        {
            throw new ArgumentException($"the decoder's vocabulary has {decoder.Vocabulary} tokens, fewer than the special tokens up to EOS ({Data.SpecialTokens.End + 1}).", nameof(decoder));
        }
        return sources;
    }
}
