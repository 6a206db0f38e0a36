using System.Text;
using RnnNative.Text;

namespace RnnNative.Datasets;

/// <summary>
/// Input ids of whole tokens (<see cref="TokenUnit.Words"/>) or characters (<see cref="TokenUnit.Characters"/>)
/// of a dataset: the most frequent units of the training data, most frequent first, ties in ordinal order,
/// at most <c>maxUnits</c> of them, then <c>&lt;unk&gt;</c> last, which every other unit (and, at evaluation,
/// every unit never seen in training) encodes to. With <see cref="Lowercase"/>, units are lowercased
/// (invariant culture) before counting and encoding. Unlike <see cref="WordVocabulary"/>, a CoNLL token is
/// one id as written ("New-York", "3.5"), never re-tokenized, so tags stay aligned.
/// <para>Serialized form: byte unit, byte lowercase (0/1), then the units as a <see cref="LabelSet"/>.</para>
/// </summary>
public sealed class TokenVocabulary
{
    private const string UnknownText = "<unk>";
    private readonly LabelSet _units;

    private TokenVocabulary(TokenUnit unit, bool lowercase, LabelSet units)
    {
        Unit = unit;
        Lowercase = lowercase;
        _units = units;
    }

    /// <summary>Whole tokens or characters.</summary>
    public TokenUnit Unit { get; }

    /// <summary>Whether units are lowercased before lookup.</summary>
    public bool Lowercase { get; }

    /// <summary>Number of ids, <c>&lt;unk&gt;</c> included.</summary>
    public int Count => _units.Count + 1;

    /// <summary>The id of <c>&lt;unk&gt;</c>: the last.</summary>
    public int UnknownId => _units.Count;

    /// <summary>
    /// The vocabulary of the <paramref name="units"/> of a training set (repeated as often as they occur):
    /// the <paramref name="maxUnits"/> most frequent (0: all) plus <c>&lt;unk&gt;</c>.
    /// </summary>
    public static TokenVocabulary Build(IEnumerable<string> units, TokenUnit unit, int maxUnits = 0, bool lowercase = false)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentOutOfRangeException.ThrowIfNegative(maxUnits);
        Dictionary<string, long> counts = new(StringComparer.Ordinal);
        foreach (string raw in units)
        {
            string key = lowercase ? raw.ToLowerInvariant() : raw;
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        List<KeyValuePair<string, long>> ranked = [.. counts];
        ranked.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        IEnumerable<string> kept = ranked.Select(pair => pair.Key).Where(key => key != UnknownText);
        return new TokenVocabulary(unit, lowercase, LabelSet.FromNames(maxUnits == 0 ? kept : kept.Take(maxUnits)));
    }

    /// <summary>The id of one unit (lowercased first when <see cref="Lowercase"/>); <see cref="UnknownId"/> when it is not kept.</summary>
    public int Id(string unit)
    {
        int id = _units.IdOf(Lowercase ? unit.ToLowerInvariant() : unit);
        return id < 0 ? UnknownId : id;
    }

    /// <summary>The unit of <paramref name="id"/>, <c>&lt;unk&gt;</c> for the unknown id.</summary>
    public string UnitText(int id) => id == UnknownId ? UnknownText : _units[id];

    /// <summary>
    /// The units of a free text: for <see cref="TokenUnit.Words"/> the words and symbols of
    /// <see cref="WordTokenizer"/> (whitespace dropped), for <see cref="TokenUnit.Characters"/> every character.
    /// </summary>
    public static List<string> Split(string text, TokenUnit unit)
    {
        List<string> units = [];
        if (unit == TokenUnit.Characters)
        {
            foreach (Rune rune in text.EnumerateRunes()) units.Add(rune.ToString());
            return units;
        }
        Collector collector = new(units);
        WordTokenizer.Tokenize(Encoding.UTF8.GetBytes(text), isFinalBlock: true, ref collector);
        return units;
    }

    /// <summary>The vocabulary as bytes, read back by <see cref="Deserialize"/>.</summary>
    public byte[] Serialize() => [(byte)Unit, Lowercase ? (byte)1 : (byte)0, .. _units.Serialize()];

    /// <summary>Reads bytes written by <see cref="Serialize"/>.</summary>
    /// <exception cref="InvalidDataException">Not a token vocabulary, truncated or corrupt.</exception>
    public static TokenVocabulary Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2 || !Enum.IsDefined((TokenUnit)bytes[0]) || bytes[1] > 1)
        {
            throw new InvalidDataException("not a token vocabulary: bad unit or lowercase byte");
        }
        return new TokenVocabulary((TokenUnit)bytes[0], bytes[1] == 1, LabelSet.Deserialize(bytes[2..]));
    }

    private readonly struct Collector(List<string> units) : IWordTokenSink
    {
        public void Token(ReadOnlySpan<byte> utf8Token) => units.Add(Encoding.UTF8.GetString(utf8Token));
    }
}
