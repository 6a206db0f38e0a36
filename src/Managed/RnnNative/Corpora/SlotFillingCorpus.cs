using System.Globalization;
using System.Text;
using RnnNative.Randomness;

namespace RnnNative.Corpora;

/// <summary>
/// A built-in slot-filling corpus in the style of ATIS (flight-booking requests), made on the spot from
/// a small grammar so a tagger can be trained with no download: "i want to fly from boston to new york on
/// monday morning", every word tagged with a BIO slot tag (IOB2: every slot value starts with <c>B-</c>,
/// its further words are <c>I-</c>, other words <c>O</c>). The grammar makes a tagger use context: any
/// city can be the origin, the destination or the stop of a sentence, told apart only by the words
/// around it ("from", "to", "leaving", "via", or just its place in "boston to denver"), and the same day
/// names are departure or return dates ("on monday" against "returning on monday"). Multi-word values
/// (new york, salt lake city, american airlines, 10 30 am) give <c>I-</c> tags. Words are lowercase.
/// </summary>
public static class SlotFillingCorpus
{
    /// <summary>The slot types, each tagged <c>B-type</c> and <c>I-type</c>.</summary>
    public static IReadOnlyList<string> SlotTypes { get; } =
        ["fromloc.city", "toloc.city", "stoploc.city", "depart_date", "depart_time", "return_date", "airline", "class", "round_trip"];

    /// <summary>Every tag the corpus writes: <c>O</c>, then <c>B-type</c> and <c>I-type</c> for each of <see cref="SlotTypes"/>.</summary>
    public static IReadOnlyList<string> Tags { get; } = ["O", .. SlotTypes.SelectMany(type => new[] { "B-" + type, "I-" + type })];

    /// <summary>The 30 cities, origins, destinations and stops alike; eight take more than one word.</summary>
    public static IReadOnlyList<string> Cities { get; } =
    [
        "boston", "new york", "denver", "atlanta", "san francisco", "dallas", "pittsburgh", "baltimore",
        "philadelphia", "washington", "chicago", "los angeles", "seattle", "miami", "houston", "phoenix",
        "detroit", "minneapolis", "salt lake city", "las vegas", "orlando", "charlotte", "cleveland",
        "kansas city", "memphis", "nashville", "new orleans", "san diego", "portland", "toronto",
    ];

    /// <summary>The airlines; four take two words.</summary>
    public static IReadOnlyList<string> Airlines { get; } =
        ["united", "delta", "american airlines", "continental", "us air", "southwest", "alaska airlines", "air canada", "jetblue"];

    // The grammar. A phrase is words and slots: {slot=source} is a value drawn from `source` (see Value)
    // and tagged as `slot`; the slot "date" is the departure or the return date, as the caller says.
    // A sentence is an opening, a route, then some of the modifiers in a random order, then maybe a return date.
    private static readonly string[] Openings =
    [
        "i want to fly", "i would like to fly", "i need a flight", "i need a seat in {class=class}", "show me flights",
        "show me {airline=airline} flights", "show me the {round_trip=trip} fares", "what {airline=airline} flights are there",
        "book a flight", "book me a {round_trip=trip} {class=class} ticket", "are there any flights", "list all {class=class} flights",
        "find me a {round_trip=trip} flight", "please give me flights", "what is the cheapest flight", "i need to get",
    ];

    private static readonly string[] Routes =
    [
        "from {fromloc.city=city} to {toloc.city=city}", "to {toloc.city=city} from {fromloc.city=city}",
        "from {fromloc.city=city} to {toloc.city=city} with a stop in {stoploc.city=city}",
        "from {fromloc.city=city} to {toloc.city=city} via {stoploc.city=city}", "between {fromloc.city=city} and {toloc.city=city}",
        "leaving {fromloc.city=city} for {toloc.city=city}", "out of {fromloc.city=city} into {toloc.city=city}",
        "departing {fromloc.city=city} and arriving in {toloc.city=city}", "{fromloc.city=city} to {toloc.city=city}",
        "to {toloc.city=city}", "from {fromloc.city=city}",
    ];

    private static readonly string[] Dates =
        ["on {date=day}", "{date=relative}", "on {date=month_day}", "on the {date=ordinal}"];

    private static readonly string[] Times =
    [
        "in the {depart_time=period}", "at {depart_time=clock}", "around {depart_time=clock}",
        "before {depart_time=clock}", "after {depart_time=clock}",
    ];

    // A date and a time in one phrase ("on monday morning", "tomorrow at 5 pm").
    private static readonly string[] DateTimes =
        ["on {depart_date=day} {depart_time=period}", "{depart_date=relative} {depart_time=period}", "{depart_date=relative} at {depart_time=clock}"];

    private static readonly string[] Returns = ["returning", "and back", "coming back"];

    private static readonly string[] AirlinePhrases = ["on {airline=airline}", "with {airline=airline}", "flying {airline=airline}"];

    private static readonly string[] ClassPhrases = ["in {class=class}", "{round_trip=trip}"];

    private static readonly string[] Days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    private static readonly string[] Months =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    private static readonly int[] MonthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    private static readonly string[] Periods = ["morning", "afternoon", "evening", "early morning", "late evening"];

    private static readonly string[] Classes = ["first class", "business class", "economy", "coach", "economy class"];

    private static readonly string[] Trips = ["round trip", "one way"];

    /// <summary>The same <paramref name="sentences"/> sentences for the same seed.</summary>
    public static TaggedSentence[] Generate(int sentences, ulong seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sentences, 1);
        SeededRandom random = new(seed);
        TaggedSentence[] corpus = new TaggedSentence[sentences];
        for (int i = 0; i < sentences; i++)
        {
            corpus[i] = Sentence(random);
        }
        return corpus;
    }

    /// <summary>
    /// <see cref="Generate"/> as a CoNLL file (ASCII, what a user's tagging file looks like): one
    /// "token tag" line per word, a blank line after each sentence.
    /// </summary>
    public static byte[] GenerateConll(int sentences, ulong seed = 1) => Encoding.ASCII.GetBytes(ToConll(Generate(sentences, seed)));

    /// <summary>Sentences in CoNLL form: one "token tag" line per word, a blank line after each sentence.</summary>
    public static string ToConll(IEnumerable<TaggedSentence> sentences)
    {
        StringBuilder text = new();
        foreach (TaggedSentence sentence in sentences)
        {
            for (int i = 0; i < sentence.Tokens.Count; i++)
            {
                text.Append(sentence.Tokens[i]).Append(' ').Append(sentence.Tags[i]).Append('\n');
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>One request: an opening, a route, then each modifier with its own chance, in a random order,
    /// and last, sometimes, a return date.</summary>
    private static TaggedSentence Sentence(SeededRandom random)
    {
        SentenceBuilder sentence = new(random);
        sentence.Append(Pick(random, Openings));
        sentence.Append(Pick(random, Routes));
        List<string> modifiers = [];
        double when = random.NextDouble();
        if (when < 0.25)
        {
            modifiers.Add(Pick(random, DateTimes));
        }
        else if (when < 0.75)
        {
            modifiers.Add(Pick(random, Dates));
        }
        if (when >= 0.25 && random.NextDouble() < 0.35)
        {
            modifiers.Add(Pick(random, Times));
        }
        if (random.NextDouble() < 0.25)
        {
            modifiers.Add(Pick(random, AirlinePhrases));
        }
        if (random.NextDouble() < 0.15)
        {
            modifiers.Add(Pick(random, ClassPhrases));
        }
        // Fisher-Yates: the modifiers come in any order ("at 5 pm on monday", "on monday at 5 pm").
        for (int i = modifiers.Count - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (modifiers[i], modifiers[j]) = (modifiers[j], modifiers[i]);
        }
        foreach (string phrase in modifiers)
        {
            sentence.Append(phrase);
        }
        // The return comes last, so a date after it is never a departure ("returning friday next week").
        if (random.NextDouble() < 0.2)
        {
            sentence.Append(Pick(random, Returns) + " " + Pick(random, Dates), "return_date");
        }
        return sentence.Build();
    }

    private static string Pick(SeededRandom random, IReadOnlyList<string> choices) => choices[random.NextInt(choices.Count)];

    /// <summary>"1st", "2nd", "3rd", "4th", ..., "11th", "12th", "13th", "21st", ...</summary>
    private static string Ordinal(int day)
    {
        string suffix = (day % 100) is 11 or 12 or 13 ? "th" : (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
        return day.ToString(CultureInfo.InvariantCulture) + suffix;
    }

    /// <summary>A date relative to today: "tomorrow", "next week", "this friday", ...</summary>
    private static string Relative(SeededRandom random) => random.NextInt(6) switch
    {
        0 => "today",
        1 => "tomorrow",
        2 => "next week",
        3 => "this weekend",
        4 => "next " + Pick(random, Days),
        _ => "this " + Pick(random, Days),
    };

    /// <summary>A time of day as spoken in requests: "5 pm", "10 30 am", "noon", "midnight".</summary>
    private static string Clock(SeededRandom random)
    {
        int kind = random.NextInt(10);
        if (kind == 0)
        {
            return random.NextInt(2) == 0 ? "noon" : "midnight";
        }
        string hour = (1 + random.NextInt(12)).ToString(CultureInfo.InvariantCulture);
        string half = random.NextInt(2) == 0 ? "am" : "pm";
        return kind < 6 ? $"{hour} {half}" : $"{hour} {Pick(random, ["15", "30", "45"])} {half}";
    }

    /// <summary>The words and tags of one sentence as it grows; no slot type and no city occur twice in it.</summary>
    private sealed class SentenceBuilder(SeededRandom random)
    {
        private readonly List<string> _tokens = [];
        private readonly List<string> _tags = [];
        private readonly HashSet<string> _slots = [];
        private readonly HashSet<string> _cities = [];

        /// <summary>Appends a phrase; its slot "date" is <paramref name="dateSlot"/>. A phrase with a slot the
        /// sentence already has is left out (a request names one airline, one class).</summary>
        public void Append(string phrase, string dateSlot = "depart_date")
        {
            string[] words = phrase.Split(' ');
            List<(string Slot, string Source)> slots = [.. words.Where(w => w[0] == '{').Select(w => ParseSlot(w, dateSlot))];
            if (slots.Any(s => _slots.Contains(s.Slot)))
            {
                return;
            }
            foreach (string word in words)
            {
                if (word[0] != '{')
                {
                    _tokens.Add(word);
                    _tags.Add("O");
                    continue;
                }
                (string slot, string source) = ParseSlot(word, dateSlot);
                string[] value = Value(source).Split(' ');
                for (int i = 0; i < value.Length; i++)
                {
                    _tokens.Add(value[i]);
                    _tags.Add((i == 0 ? "B-" : "I-") + slot);
                }
                _slots.Add(slot);
            }
        }

        public TaggedSentence Build() => new(_tokens.ToArray(), _tags.ToArray());

        private static (string Slot, string Source) ParseSlot(string word, string dateSlot)
        {
            string[] parts = word[1..^1].Split('=');
            return (parts[0] == "date" ? dateSlot : parts[0], parts[1]);
        }

        private string Value(string source) => source switch
        {
            "city" => City(),
            "airline" => Pick(random, Airlines),
            "day" => Pick(random, Days),
            "relative" => Relative(random),
            "month_day" => MonthDay(),
            "ordinal" => Ordinal(1 + random.NextInt(31)),
            "period" => Pick(random, Periods),
            "clock" => Clock(random),
            "class" => Pick(random, Classes),
            "trip" => Pick(random, Trips),
            _ => throw new InvalidOperationException($"the grammar names an unknown value source '{source}'."),
        };

        /// <summary>A city not yet in the sentence: a flight does not go from boston to boston.</summary>
        private string City()
        {
            string city;
            do
            {
                city = Pick(random, Cities);
            }
            while (!_cities.Add(city));
            return city;
        }

        private string MonthDay()
        {
            int month = random.NextInt(12);
            return Months[month] + " " + Ordinal(1 + random.NextInt(MonthDays[month]));
        }
    }
}
