using System.Buffers.Binary;
using RnnNative.IO;

namespace RnnNative.Model;

/// <summary>
/// The assignment of a language model's V tokens to the K classes of a class-factored softmax, and the order of the
/// word rows it implies: row r of <c>decoder.weight</c> / <c>decoder.bias</c> holds token <see cref="Order"/>[r], the rows
/// sorted by class and, within a class, by token id, so class c owns the contiguous rows
/// [<see cref="Start"/>[c], <see cref="Start"/>[c+1]), a block of W_w. Token ids are not permuted: the vocabulary stays as
/// it is and the model maps ids to rows. Every class holds at least one token (an empty class would take probability
/// mass no word receives). Immutable.
/// <para>
/// Fitted by frequency as Mikolov's RNNLM toolkit does by default (its "sqrt" classes, rnnlm-0.3e without
/// -old-classes): tokens sorted by unigram count, most frequent first (ties by id), then cut into K consecutive runs of
/// about equal mass of sqrt(count), so frequent words get small classes and rare words large ones. Plain frequency
/// mass (the toolkit's old classes) puts each very frequent word in a class of its own and thousands of rare words
/// in the last class, which training then pays for; the square root balances the K + |class| logits a token costs.
/// </para>
/// </summary>
public sealed class WordClasses
{
    private readonly int[] _classOf, _order, _row, _start;

    private WordClasses(int[] classOf, int classes, bool fitted)
    {
        _classOf = classOf;
        Count = classes;
        Fitted = fitted;
        _start = new int[classes + 1];
        foreach (int c in classOf) _start[c + 1]++;
        for (int c = 0; c < classes; c++)
        {
            if (_start[c + 1] == 0) throw new ArgumentException($"class {c} has no token; every class needs one.", nameof(classOf));
            _start[c + 1] += _start[c];
        }
        // Counting sort by class, ascending ids within a class.
        _order = new int[classOf.Length];
        _row = new int[classOf.Length];
        int[] next = _start[..^1];
        for (int token = 0; token < classOf.Length; token++)
        {
            int row = next[classOf[token]]++;
            _order[row] = token;
            _row[token] = row;
        }
    }

    /// <summary>K, the number of classes.</summary>
    public int Count { get; }

    /// <summary>V, the number of tokens.</summary>
    public int VocabularySize => _classOf.Length;

    /// <summary>True when the assignment came from unigram counts (<see cref="ByFrequency"/>); false for the placeholder
    /// a new model starts with (<see cref="Contiguous"/>), which the first trainer replaces by the training corpus's.</summary>
    public bool Fitted { get; }

    /// <summary>[V]: the class of each token id.</summary>
    public ReadOnlySpan<int> ClassOf => _classOf;

    /// <summary>[V]: the token id of each row.</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>[V]: the row of each token id.</summary>
    public ReadOnlySpan<int> Row => _row;

    /// <summary>[K+1]: class c owns rows [Start[c], Start[c+1]).</summary>
    public ReadOnlySpan<int> Start => _start;

    /// <summary>The tokens of class <paramref name="c"/>: |c| = Size(c).</summary>
    public int Size(int c) => _start[c + 1] - _start[c];

    /// <summary>The placeholder of a new model before it has seen data: K runs of consecutive ids, sizes differing by at most one.</summary>
    public static WordClasses Contiguous(int vocabularySize, int classes)
    {
        Check(vocabularySize, classes);
        int[] classOf = new int[vocabularySize];
        for (int token = 0; token < vocabularySize; token++) classOf[token] = (int)((long)token * classes / vocabularySize);
        return new WordClasses(classOf, classes, fitted: false);
    }

    /// <summary>
    /// The sqrt-frequency classes of <paramref name="counts"/> [V] (see the class summary), as the toolkit computes them:
    /// <code>
    /// sort tokens by count, descending (ties: smaller id first);  m_i = sqrt(count_i) / Σ_j sqrt(count_j)  (1/V each when all counts are 0)
    /// walk them with a = 0:  class_i = a;  if m_0 + ... + m_i > (a+1)/K and a &lt; K-1:  a = a + 1
    /// </code>
    /// plus one guard the toolkit lacks: class_i = max(class_i, K - (V - i)), so the last tokens still reach every class
    /// and none is empty (a class moves on by at most one per token either way).
    /// </summary>
    public static WordClasses ByFrequency(ReadOnlySpan<long> counts, int classes)
    {
        Check(counts.Length, classes);
        int vocabulary = counts.Length;
        long[] byCount = counts.ToArray();
        int[] sorted = new int[vocabulary];
        for (int i = 0; i < vocabulary; i++)
        {
            if (byCount[i] < 0) throw new ArgumentOutOfRangeException(nameof(counts), byCount[i], $"count of token {i} is negative.");
            sorted[i] = i;
        }
        Array.Sort(sorted, (a, b) => byCount[b] != byCount[a] ? byCount[b].CompareTo(byCount[a]) : a.CompareTo(b));
        double total = 0;
        foreach (long count in byCount) total += Math.Sqrt(count);
        int[] classOf = new int[vocabulary];
        double cumulative = 0;
        int current = 0;
        for (int i = 0; i < vocabulary; i++)
        {
            int token = sorted[i];
            classOf[token] = Math.Max(current, classes - (vocabulary - i));
            current = classOf[token];
            cumulative += total > 0 ? Math.Sqrt(byCount[token]) / total : 1.0 / vocabulary;
            if (cumulative > (current + 1.0) / classes && current < classes - 1) current++;
        }
        return new WordClasses(classOf, classes, fitted: true);
    }

    /// <summary>The classes of a given assignment (<paramref name="classOf"/> [V], each in [0, K), every class used).</summary>
    public static WordClasses FromAssignment(ReadOnlySpan<int> classOf, int classes, bool fitted)
    {
        Check(classOf.Length, classes);
        for (int token = 0; token < classOf.Length; token++)
        {
            if ((uint)classOf[token] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(classOf), classOf[token], $"class of token {token} is outside [0, {classes}).");
            }
        }
        return new WordClasses(classOf.ToArray(), classes, fitted);
    }

    private static void Check(int vocabularySize, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1, nameof(classes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, vocabularySize, nameof(classes));
    }

    /// <summary>The model file's <c>decoder.classes</c> blob: int32 K, int32 fitted (0 or 1), int32 V, then V int32 classes
    /// in token-id order; little-endian.</summary>
    public byte[] ToBlob()
    {
        byte[] blob = new byte[12 + 4 * VocabularySize];
        BinaryPrimitives.WriteInt32LittleEndian(blob, Count);
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(4), Fitted ? 1 : 0);
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(8), VocabularySize);
        for (int token = 0; token < VocabularySize; token++) BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(12 + 4 * token), _classOf[token]);
        return blob;
    }

    /// <summary>Reads <see cref="ToBlob"/>'s bytes, which must describe <paramref name="classes"/> classes of
    /// <paramref name="vocabularySize"/> tokens; anything else is a <see cref="CheckpointFormatException"/>.</summary>
    public static WordClasses FromBlob(ReadOnlySpan<byte> blob, int vocabularySize, int classes)
    {
        if (blob.Length != 12 + 4L * vocabularySize)
        {
            throw new CheckpointFormatException($"the decoder.classes section has {blob.Length} bytes; {vocabularySize} tokens need {12 + 4L * vocabularySize}.");
        }
        int count = BinaryPrimitives.ReadInt32LittleEndian(blob), fitted = BinaryPrimitives.ReadInt32LittleEndian(blob[4..]), tokens = BinaryPrimitives.ReadInt32LittleEndian(blob[8..]);
        if (count != classes || tokens != vocabularySize || fitted is not (0 or 1))
        {
            throw new CheckpointFormatException($"the decoder.classes section describes {count} classes of {tokens} tokens (fitted {fitted}) but model.json {classes} of {vocabularySize}.");
        }
        int[] classOf = new int[vocabularySize];
        for (int token = 0; token < vocabularySize; token++) classOf[token] = BinaryPrimitives.ReadInt32LittleEndian(blob[(12 + 4 * token)..]);
        try
        {
            return FromAssignment(classOf, classes, fitted == 1);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException($"the decoder.classes section is invalid: {e.Message}");
        }
    }
}
