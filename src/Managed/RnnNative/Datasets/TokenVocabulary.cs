using System.Text;
using RnnNative.Data;
using RnnNative.Text;

namespace RnnNative.Datasets;

/// <summary>
/// Ids of whole tokens (<see cref="TokenUnit.Words"/>) or characters (<see cref="TokenUnit.Characters"/>)
/// of a dataset: the most frequent units of the training data, most frequent first, ties in ordinal order,
/// at most <c>maxUnits</c> of them, and <c>&lt;unk&gt;</c>, which every other unit (and, at evaluation,
/// every unit never seen in training) encodes to. With <see cref="Lowercase"/>, units are lowercased
/// (invariant culture) before counting and encoding. Unlike <see cref="WordVocabulary"/>, a CoNLL token is
/// one id as written ("New-York", "3.5"), never re-tokenized, so tags stay aligned.
/// <para>Two layouts. A tagger's or classifier's inputs (<see cref="Build"/>): the units from id 0, <c>&lt;unk&gt;</c>
/// last. A sequence-to-sequence side (<see cref="BuildWithSpecialTokens"/>, <see cref="HasSpecialTokens"/>): the
/// <see cref="SpecialTokens"/> first, <c>&lt;pad&gt;</c> 0, <c>&lt;s&gt;</c> 1, <c>&lt;/s&gt;</c> 2, <c>&lt;unk&gt;</c> 3, then
/// the units from 4, so a model's batches and decoder agree on the special ids whatever the data. A unit written
/// like a special token ("&lt;s&gt;" in a word corpus) is not kept: it encodes to <c>&lt;unk&gt;</c>.</para>
/// <para>Serialized form: byte unit, byte flags (bit 0 lowercase, bit 1 special tokens first), then the units
/// in id order as a <see cref="LabelSet"/> (the special tokens are implied by the flag).</para>
/// </summary>
public sealed class TokenVocabulary
{
    private const string UnknownText = "<unk>";
    private const byte LowercaseFlag = 1, SpecialTokensFlag = 2;

    /// <summary>The texts of <see cref="SpecialTokens"/>' ids 0..3, as <see cref="UnitText"/> writes them.</summary>
    private static readonly string[] SpecialTexts = ["<pad>", "<s>", "</s>", UnknownText];

    private readonly LabelSet _units;
    private readonly int _first;   // the first unit's id: 0, or SpecialTokens.Count

    private TokenVocabulary(TokenUnit unit, bool lowercase, bool specialTokens, LabelSet units)
    {
        Unit = unit;
        Lowercase = lowercase;
        HasSpecialTokens = specialTokens;
        _first = specialTokens ? SpecialTokens.Count : 0;
        _units = units;
    }

    /// <summary>Whole tokens or characters.</summary>
    public TokenUnit Unit { get; }

    /// <summary>Whether units are lowercased before lookup.</summary>
    public bool Lowercase { get; }

    /// <summary>Whether the <see cref="SpecialTokens"/> take ids 0..3 (a sequence-to-sequence vocabulary); else <c>&lt;unk&gt;</c> is the last id.</summary>
    public bool HasSpecialTokens { get; }

    /// <summary>Number of ids, <c>&lt;unk&gt;</c> (and the special tokens) included.</summary>
    public int Count => _units.Count + (HasSpecialTokens ? SpecialTokens.Count : 1);

    /// <summary>The id of <c>&lt;unk&gt;</c>: <see cref="SpecialTokens.Unknown"/> with special tokens, else the last.</summary>
    public int UnknownId => HasSpecialTokens ? SpecialTokens.Unknown : _units.Count;

    /// <summary>Every id's text in id order (<see cref="UnitText"/> of 0..Count-1): the vocabulary as an ordered token list.</summary>
    public IReadOnlyList<string> Tokens => [.. Enumerable.Range(0, Count).Select(UnitText)];

    /// <summary>
    /// The vocabulary of the <paramref name="units"/> of a training set (repeated as often as they occur):
    /// the <paramref name="maxUnits"/> most frequent (0: all) plus <c>&lt;unk&gt;</c>.
    /// </summary>
    public static TokenVocabulary Build(IEnumerable<string> units, TokenUnit unit, int maxUnits = 0, bool lowercase = false) =>
        Ranked(units, unit, maxUnits, lowercase, specialTokens: false);

    /// <summary>
    /// A sequence-to-sequence vocabulary of the <paramref name="units"/> of a training set: the four <see cref="SpecialTokens"/>,
    /// then the <paramref name="maxUnits"/> most frequent units (0: all) from id 4.
    /// </summary>
    public static TokenVocabulary BuildWithSpecialTokens(IEnumerable<string> units, TokenUnit unit, int maxUnits = 0, bool lowercase = false) =>
        Ranked(units, unit, maxUnits, lowercase, specialTokens: true);

    /// <summary>
    /// A sequence-to-sequence vocabulary of <paramref name="count"/> ids whose symbols are their own numbers: the special tokens,
    /// then ids 4..count-1 as the words "4".."count-1". For data given as token ids (a host's arrays), so that ids read and
    /// write as text ("4 8 5") and a model of them has a vocabulary like any other.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> leaves no symbol (at most the special tokens).</exception>
    public static TokenVocabulary OfIds(int count)
    {
        if (count <= SpecialTokens.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"a vocabulary of ids needs more than the {SpecialTokens.Count} special tokens (symbols start at id {SpecialTokens.Count})");
        }
        IEnumerable<string> numbers = Enumerable.Range(SpecialTokens.Count, count - SpecialTokens.Count).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new TokenVocabulary(TokenUnit.Words, lowercase: false, specialTokens: true, LabelSet.FromNames(numbers));
    }

    private static TokenVocabulary Ranked(IEnumerable<string> units, TokenUnit unit, int maxUnits, bool lowercase, bool specialTokens)
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
        IEnumerable<string> kept = ranked.Select(pair => pair.Key).Where(key => key != UnknownText && !(specialTokens && SpecialTexts.Contains(key)));
        return new TokenVocabulary(unit, lowercase, specialTokens, LabelSet.FromNames(maxUnits == 0 ? kept : kept.Take(maxUnits)));
    }

    /// <summary>The id of one unit (lowercased first when <see cref="Lowercase"/>); <see cref="UnknownId"/> when it is not kept.</summary>
    public int Id(string unit)
    {
        int id = _units.IdOf(Lowercase ? unit.ToLowerInvariant() : unit);
        return id < 0 ? UnknownId : _first + id;
    }

    /// <summary>The unit of <paramref name="id"/>; <c>&lt;unk&gt;</c> for the unknown id, and the special tokens' texts for theirs.</summary>
    public string UnitText(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, Count);
        if (HasSpecialTokens) return id < SpecialTokens.Count ? SpecialTexts[id] : _units[id - _first];
        return id == UnknownId ? UnknownText : _units[id];
    }

    /// <summary>The ids of the units of <paramref name="text"/> (<see cref="Split"/> by <see cref="Unit"/>, then <see cref="Id"/>).</summary>
    public int[] Encode(string text) => [.. Split(text, Unit).Select(Id)];

    /// <summary>
    /// The text of <paramref name="ids"/>: characters joined as they are, words joined by single spaces; the
    /// padding, start and end tokens are left out (a decoded sequence's text), <c>&lt;unk&gt;</c> is written.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        StringBuilder text = new();
        foreach (int id in ids)
        {
            if (HasSpecialTokens && id is SpecialTokens.Padding or SpecialTokens.Start or SpecialTokens.End) continue;
            if (Unit == TokenUnit.Words && text.Length > 0) text.Append(' ');
            text.Append(UnitText(id));
        }
        return text.ToString();
    }

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
    public byte[] Serialize() =>
        [(byte)Unit, (byte)((Lowercase ? LowercaseFlag : 0) | (HasSpecialTokens ? SpecialTokensFlag : 0)), .. _units.Serialize()];

    /// <summary>Reads bytes written by <see cref="Serialize"/>.</summary>
    /// <exception cref="InvalidDataException">Not a token vocabulary, truncated or corrupt.</exception>
    public static TokenVocabulary Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2 || !Enum.IsDefined((TokenUnit)bytes[0]) || bytes[1] > (LowercaseFlag | SpecialTokensFlag))
        {
            throw new InvalidDataException("not a token vocabulary: bad unit or flags byte");
        }
        bool specialTokens = (bytes[1] & SpecialTokensFlag) != 0;
        LabelSet units = LabelSet.Deserialize(bytes[2..]);
        if (units.Names.Any(name => name == UnknownText || (specialTokens && SpecialTexts.Contains(name))))
        {
            throw new InvalidDataException("not a token vocabulary: a unit is written like a special token");
        }
        return new TokenVocabulary((TokenUnit)bytes[0], (bytes[1] & LowercaseFlag) != 0, specialTokens, units);
    }

    private readonly struct Collector(List<string> units) : IWordTokenSink
    {
        public void Token(ReadOnlySpan<byte> utf8Token) => units.Add(Encoding.UTF8.GetString(utf8Token));
    }
}
