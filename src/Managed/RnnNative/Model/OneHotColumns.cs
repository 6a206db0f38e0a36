namespace RnnNative.Model;

/// <summary>
/// Layer 0 of a one-hot model: <c>x = onehot(token)</c>, so <c>W_ih · x</c> is column <c>token</c> of
/// W_ih [G*H, V] and the input-weight gradient of a row adds into that column. Both walk W_ih in
/// blocks of <see cref="BlockRows"/> gate rows (a few KB, cache-resident) while the token loop runs,
/// rather than striding through all of W_ih once per token.
/// </summary>
internal static class OneHotColumns
{
    private const int BlockRows = 32;

    /// <summary><c>table[r, g] = weightIh[g, tokens[r]]</c>: <paramref name="table"/> [tokens.Length, G*H]
    /// from <paramref name="weightIh"/> [G*H, V] (all tokens in order: the transpose).</summary>
    public static void Gather(ReadOnlySpan<float> weightIh, int gateWidth, int vocabulary, ReadOnlySpan<int> tokens, Span<float> table)
    {
        for (int g0 = 0; g0 < gateWidth; g0 += BlockRows)
        {
            int g1 = Math.Min(g0 + BlockRows, gateWidth);
            for (int r = 0; r < tokens.Length; r++)
            {
                Span<float> row = table.Slice(r * gateWidth, gateWidth);
                int token = tokens[r];
                for (int g = g0; g < g1; g++)
                {
                    row[g] = weightIh[g * vocabulary + token];
                }
            }
        }
    }

    /// <summary><c>dWeightIh[g, tokens[r]] += dGates[r, g]</c> for every row r, each element adding
    /// its rows in row order: the result does not depend on how anything else is scheduled.</summary>
    public static void ScatterAdd(ReadOnlySpan<float> dGates, int gateWidth, int vocabulary, ReadOnlySpan<int> tokens, Span<float> dWeightIh)
    {
        for (int g0 = 0; g0 < gateWidth; g0 += BlockRows)
        {
            int g1 = Math.Min(g0 + BlockRows, gateWidth);
            for (int r = 0; r < tokens.Length; r++)
            {
                ReadOnlySpan<float> row = dGates.Slice(r * gateWidth, gateWidth);
                int token = tokens[r];
                for (int g = g0; g < g1; g++)
                {
                    dWeightIh[g * vocabulary + token] += row[g];
                }
            }
        }
    }
}
