using System.Globalization;

namespace RnnNative.Metrics;

/// <summary>
/// A tagger's metrics as conlleval reports them (as fractions, not percentages): token accuracy and chunk
/// precision, recall and F1, overall and per chunk type. Made by <see cref="TaggingCounter.Result"/>.
/// </summary>
/// <param name="Tokens">Tokens counted (sentence boundaries are not tokens).</param>
/// <param name="CorrectTokens">Tokens whose predicted tag equals the gold tag, "O" included.</param>
/// <param name="Overall">The chunk counts summed over all types, named "overall".</param>
/// <param name="Types">One score per chunk type that occurs in the gold or the predicted tags, in ordinal order of the type.</param>
public sealed record TaggingMetrics(long Tokens, long CorrectTokens, LabelScore Overall, IReadOnlyList<LabelScore> Types)
{
    /// <summary>CorrectTokens / Tokens; 0 when nothing was counted.</summary>
    public double TokenAccuracy => Tokens > 0 ? (double)CorrectTokens / Tokens : 0;

    /// <summary>"token accuracy 0.9123  chunk precision 0.8000  recall 0.7000  F1 0.7467" (invariant culture).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"token accuracy {TokenAccuracy:0.0000}  chunk precision {Overall.Precision:0.0000}  recall {Overall.Recall:0.0000}  F1 {Overall.F1:0.0000}");

    /// <summary>conlleval's report: the counts, then one line per chunk type and the overall line.</summary>
    public string Report() => string.Create(CultureInfo.InvariantCulture,
        $"{Tokens} tokens with {Overall.Gold} chunks; found {Overall.Predicted} chunks; correct {Overall.Correct}\n{LabelScore.Table([.. Types, Overall])}");
}
