using System.Globalization;
using RnnNative.Datasets;
using RnnNative.Model;
using RnnNative.Tasks;

namespace RnnNative.Cli.Commands;

/// <summary>How the commands describe a seq2seq model and its pairs in their summary lines.</summary>
internal static class Seq2SeqText
{
    /// <summary>"50,000 pairs, 275,012 source and 189,340 target tokens (longest 7 and 4)".</summary>
    public static string Pairs(PairSet set) => string.Format(CultureInfo.InvariantCulture, "{0}, {1:N0} source and {2:N0} target tokens (longest {3} and {4})",
        TaskText.Count(set.Count, "pair"), set.SourceTokens.Length, set.TargetTokens.Length, set.MaxSourceLength, set.MaxTargetLength);

    /// <summary>"vocabularies: source 15 characters, target 14 characters (with <pad> <s> </s> <unk>)".</summary>
    public static string Encoding(Seq2SeqEncoding e) =>
        $"vocabularies: source {Vocabulary(e.Source)}, target {Vocabulary(e.Target)} (with <pad> <s> </s> <unk>)";

    /// <summary>"encoder LSTM 1x256, decoder LSTM 1x256, embeddings 64 and 64, 612,366 parameters".</summary>
    public static string Model(Seq2SeqModel model) => string.Format(CultureInfo.InvariantCulture, "seq2seq, {0}, embeddings {1} and {2}{3}, {4:N0} parameters",
        Stacks(model.Config), model.Config.EmbeddingSize, model.Config.TargetEmbeddingSize,
        model.Config.Dropout > 0 ? string.Create(CultureInfo.InvariantCulture, $", dropout {model.Config.Dropout}") : "", model.Blocks.Sum(b => b.Length));

    /// <summary>"encoder LSTM 1x256 (bidirectional), decoder LSTM 1x256".</summary>
    public static string Stacks(Seq2SeqConfig c) =>
        $"encoder {ModelText.Stack(c.Cell, c.Activation, c.Layers, c.HiddenSize)}{(c.Bidirectional ? " (bidirectional)" : "")}, decoder {ModelText.Stack(c.Cell, c.Activation, c.DecoderLayers, c.DecoderHiddenSize)}";

    private static string Vocabulary(TokenVocabulary v) => string.Format(CultureInfo.InvariantCulture, "{0:N0} {1}{2}",
        v.Count, v.Unit == TokenUnit.Words ? "words" : "characters", v.Lowercase ? " (lowercased)" : "");
}
