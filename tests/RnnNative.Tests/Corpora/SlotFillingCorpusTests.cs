using System.Text;
using RnnNative.Corpora;

namespace RnnNative.Tests.Corpora;

public class SlotFillingCorpusTests
{
    private static readonly TaggedSentence[] Corpus = SlotFillingCorpus.Generate(5000, seed: 7);

    [Fact]
    public void The_same_seed_gives_the_same_corpus_and_another_seed_another()
    {
        Assert.Equal(SlotFillingCorpus.GenerateConll(300, seed: 7), SlotFillingCorpus.GenerateConll(300, seed: 7));
        Assert.NotEqual(SlotFillingCorpus.GenerateConll(300, seed: 7), SlotFillingCorpus.GenerateConll(300, seed: 8));
        // The first sentences of a longer corpus are the shorter corpus: one draw sequence per seed.
        Assert.Equal(Conll(SlotFillingCorpus.Generate(300, seed: 7)), Conll(Corpus[..300]));
    }

    [Fact]
    public void Tags_are_O_or_B_or_I_of_a_slot_type_and_I_continues_a_span_of_its_type()
    {
        HashSet<string> seen = [];
        foreach (TaggedSentence sentence in Corpus)
        {
            Assert.Equal(sentence.Tokens.Count, sentence.Tags.Count);
            for (int i = 0; i < sentence.Tags.Count; i++)
            {
                string tag = sentence.Tags[i];
                seen.Add(tag);
                if (tag == "O")
                {
                    continue;
                }
                Assert.True(tag.StartsWith("B-") || tag.StartsWith("I-"), tag);
                Assert.Contains(tag[2..], SlotFillingCorpus.SlotTypes);
                if (tag[0] == 'I')
                {
                    Assert.True(i > 0 && sentence.Tags[i - 1][2..] == tag[2..] && sentence.Tags[i - 1] != "O",
                        $"{tag} after {(i > 0 ? sentence.Tags[i - 1] : "the start")} in '{string.Join(' ', sentence.Tokens)}'");
                }
            }
        }
        // Every tag the corpus declares occurs, I- tags of multi-word values included (but I-class only
        // from "first class" and the like, I-depart_date from "next monday", ...).
        Assert.Equal(SlotFillingCorpus.Tags.Order(), seen.Order());
    }

    [Fact]
    public void Tokens_are_lowercase_words_and_a_sentence_names_each_slot_and_each_city_once()
    {
        foreach (TaggedSentence sentence in Corpus)
        {
            Assert.All(sentence.Tokens, token => Assert.Matches("^[a-z0-9']+$", token));
            string[] starts = [.. sentence.Tags.Where(t => t.StartsWith("B-"))];
            Assert.Equal(starts.Length, starts.Distinct().Count());
            string[] cities = [.. Spans(sentence).Where(s => s.Type.EndsWith("loc.city")).Select(s => s.Value)];
            Assert.NotEmpty(cities);   // every route names a city
            Assert.Equal(cities.Length, cities.Distinct().Count());
        }
    }

    [Fact]
    public void Context_decides_the_slot_every_city_is_an_origin_and_a_destination_and_days_are_departures_and_returns()
    {
        (string Type, string Value)[] spans = [.. Corpus.SelectMany(Spans)];
        foreach (string city in SlotFillingCorpus.Cities)
        {
            Assert.Contains(("fromloc.city", city), spans);
            Assert.Contains(("toloc.city", city), spans);
        }
        foreach (string airline in SlotFillingCorpus.Airlines)
        {
            Assert.Contains(("airline", airline), spans);
        }
        Assert.Contains(("depart_date", "monday"), spans);
        Assert.Contains(("return_date", "monday"), spans);
        Assert.Equal(30, SlotFillingCorpus.Cities.Count);
        Assert.Equal(SlotFillingCorpus.Cities.Count, SlotFillingCorpus.Cities.Distinct().Count());
        Assert.True(SlotFillingCorpus.Airlines.Count >= 8);
        // Enough variety that the corpus is not a handful of sentences repeated.
        Assert.True(Corpus.Select(s => string.Join(' ', s.Tokens)).Distinct().Count() > 4900);
        Assert.InRange(Corpus.Average(s => s.Tokens.Count), 8, 20);
    }

    [Fact]
    public void The_conll_text_is_a_token_and_its_tag_per_line_and_a_blank_line_after_each_sentence()
    {
        TaggedSentence[] sentences = SlotFillingCorpus.Generate(200, seed: 3);
        string text = Encoding.ASCII.GetString(SlotFillingCorpus.GenerateConll(200, seed: 3));

        Assert.EndsWith("\n\n", text);
        string[] blocks = text[..^2].Split("\n\n");
        Assert.Equal(sentences.Length, blocks.Length);
        for (int i = 0; i < blocks.Length; i++)
        {
            string[][] lines = [.. blocks[i].Split('\n').Select(line => line.Split(' '))];
            Assert.All(lines, columns => Assert.Equal(2, columns.Length));
            Assert.Equal(sentences[i].Tokens, lines.Select(c => c[0]));
            Assert.Equal(sentences[i].Tags, lines.Select(c => c[1]));
        }
        Assert.Equal("fly O\nto O\nnew B-toloc.city\nyork I-toloc.city\n\n",
            SlotFillingCorpus.ToConll([new TaggedSentence(["fly", "to", "new", "york"], ["O", "O", "B-toloc.city", "I-toloc.city"])]));
    }

    [Fact]
    public void A_tagged_sentence_has_one_tag_per_token()
    {
        Assert.Throws<ArgumentException>(() => new TaggedSentence(["to", "boston"], ["O"]));
        Assert.Throws<ArgumentException>(() => new TaggedSentence([], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => SlotFillingCorpus.Generate(0));
    }

    /// <summary>The slot values of a sentence as (type, words), read from its BIO tags.</summary>
    private static IEnumerable<(string Type, string Value)> Spans(TaggedSentence sentence)
    {
        for (int i = 0; i < sentence.Tags.Count; i++)
        {
            if (!sentence.Tags[i].StartsWith("B-"))
            {
                continue;
            }
            string type = sentence.Tags[i][2..];
            int end = i + 1;
            while (end < sentence.Tags.Count && sentence.Tags[end] == "I-" + type)
            {
                end++;
            }
            yield return (type, string.Join(' ', sentence.Tokens.Skip(i).Take(end - i)));
        }
    }

    private static string Conll(IEnumerable<TaggedSentence> sentences) => SlotFillingCorpus.ToConll(sentences);
}
