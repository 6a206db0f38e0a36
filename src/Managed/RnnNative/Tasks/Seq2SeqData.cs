using RnnNative.Datasets;

namespace RnnNative.Tasks;

/// <summary>
/// Pairs read for a sequence-to-sequence model: the texts (<see cref="Pairs"/>, as the file wrote them) and their ids
/// (<see cref="Set"/>) under <see cref="Encoding"/>, fitted to the pairs when they are training data, a model's otherwise.
/// What <see cref="Seq2SeqTraining"/> trains on and <see cref="Seq2SeqTaskModel.Evaluate"/> scores.
/// </summary>
public sealed class Seq2SeqData
{
    private Seq2SeqData(string source, IReadOnlyList<TextPair> pairs, PairSet set, Seq2SeqEncoding encoding)
    {
        Source = source;
        Pairs = pairs;
        Set = set;
        Encoding = encoding;
    }

    /// <summary>Where the pairs came from (a file's path, or the name given to pairs in memory), for messages.</summary>
    public string Source { get; }

    /// <summary>The texts, pair i as the file's i-th pair (with its line).</summary>
    public IReadOnlyList<TextPair> Pairs { get; }

    /// <summary>The ids of both sides, example i as pair i.</summary>
    public PairSet Set { get; }

    /// <summary>The vocabularies the pairs are encoded with.</summary>
    public Seq2SeqEncoding Encoding { get; }

    /// <summary>
    /// Reads the TSV file <paramref name="path"/> (<c>source&lt;TAB&gt;target</c> per line, <see cref="PairFile"/>). With no
    /// <paramref name="encoding"/> the pairs are training data: both vocabularies are fitted to them with the unit, cap and case of
    /// <paramref name="options"/> (default: words, the 20,000 most frequent per side); with one (a model's), they are encoded with it.
    /// </summary>
    /// <exception cref="DatasetFormatException">The file is malformed (the message names it and the line).</exception>
    public static Seq2SeqData Read(string path, Seq2SeqEncoding? encoding = null, TaskDataOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Encode(PairFile.Read(path), encoding, options);
    }

    /// <summary>As <see cref="Read"/>, for pairs in memory; <paramref name="source"/> names them in errors (a pair's line is its 1-based position).</summary>
    public static Seq2SeqData FromPairs(IEnumerable<(string Source, string Target)> pairs, Seq2SeqEncoding? encoding = null, TaskDataOptions? options = null, string source = "pairs") =>
        Encode(PairFile.FromPairs(pairs, source), encoding, options);

    /// <summary>
    /// Pairs given as ids of <paramref name="encoding"/>'s vocabularies (a host's arrays; <see cref="Seq2SeqEncoding.OfIds"/> for
    /// training data of ids): source i is <paramref name="sources"/>[i], its target <paramref name="targets"/>[i], each side at least
    /// one id, a symbol or unknown below its vocabulary's size. Their texts are the vocabularies' (<see cref="TokenVocabulary.Decode"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The sides differ in count, a side is empty, or an id is not a symbol of its vocabulary.</exception>
    public static Seq2SeqData FromTokens(IReadOnlyList<int[]> sources, IReadOnlyList<int[]> targets, Seq2SeqEncoding encoding, string source = "token pairs")
    {
        ArgumentNullException.ThrowIfNull(encoding);
        PairSet set = PairSet.FromTokens(sources, targets);
        encoding.Check(set, source);
        TextPair[] pairs = [.. Enumerable.Range(0, set.Count).Select(i => new TextPair(encoding.Source.Decode(set.Source(i)), encoding.Target.Decode(set.Target(i)), i + 1))];
        return new Seq2SeqData(source, pairs, set, encoding);
    }

    private static Seq2SeqData Encode(PairFile file, Seq2SeqEncoding? encoding, TaskDataOptions? options)
    {
        options ??= new TaskDataOptions();
        options.Validate();
        encoding ??= Seq2SeqEncoding.Fit(file, options);
        return new Seq2SeqData(file.File, file.Pairs, PairDataset.Encode(file, encoding.Source, encoding.Target), encoding);
    }

    /// <summary>The pairs <paramref name="examples"/> in this order, as data named <paramref name="source"/> (a training run's held-out share).</summary>
    internal Seq2SeqData Subset(int[] examples, string source) =>
        new(source, [.. examples.Select(i => Pairs[i])], Set.Subset(examples), Encoding);
}
