using RnnNative.Cells;
using RnnNative.Model;
using RnnNative.Sampling;
using RnnNative.Text;

namespace RnnNative.Tests.Sampling;

public class TextGeneratorTests
{
    private static readonly Vocabulary s_vocabulary = Utf8CharVocabulary.Build("abcdefgh éü✓\n"u8);

    private static LanguageModel Model()
    {
        LanguageModel model = new(new LanguageModelConfig(s_vocabulary.Count, 8, CellType.Lstm, 16, 2));
        model.Initialize(new Random(3));
        return model;
    }

    [Fact]
    public void Streaming_equals_the_batch_call_and_a_seed_reproduces()
    {
        TextGenerator generator = new(Model(), s_vocabulary, new SamplingOptions(Temperature: 1.5f));
        string streamed = string.Concat(generator.Stream("abc", 200, seed: 9));
        Assert.Equal(streamed, generator.Generate(["abc"], 200, seed: 9)[0]);
        Assert.Equal(streamed, string.Concat(generator.Stream("abc", 200, seed: 9)));
        Assert.NotEqual(streamed, string.Concat(generator.Stream("abc", 200, seed: 10)));
        Assert.True(streamed.Length >= 150, "200 tokens of a character vocabulary are about 200 characters");
    }

    [Fact]
    public void Each_stream_of_a_batch_gives_the_text_it_gives_alone()
    {
        LanguageModel model = Model();
        string[] primes = ["a", "hgfe dcba", ""];
        string[] together = new TextGenerator(model, s_vocabulary, new SamplingOptions(TopK: 5), streams: 3).Generate(primes, 60, seed: 100);
        for (int s = 0; s < primes.Length; s++)
        {
            string alone = new TextGenerator(model, s_vocabulary, new SamplingOptions(TopK: 5)).Generate([primes[s]], 60, seed: 100 + (ulong)s)[0];
            Assert.Equal(alone, together[s]);
        }
    }

    [Fact]
    public void Generation_stops_before_a_stop_string()
    {
        TextGenerator generator = new(Model(), s_vocabulary, new SamplingOptions(Temperature: 2f));
        string full = generator.Generate(["a"], 300, seed: 4)[0];
        string stop = full.Substring(40, 2);
        string cut = generator.Generate(["a"], 300, seed: 4, [stop])[0];
        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], cut);
        Assert.Equal(cut, string.Concat(generator.Stream("a", 300, seed: 4, [stop])));
    }

    /// <summary>Token after token the generator allocates nothing but the text it returns (the decoder writes into the
    /// stream's text, the stop strings are looked for in a kept buffer, by index): a heap growing for every token was
    /// page faults and collections in the sampler's loop (229 bytes a token before). The text's builder and the returned
    /// string take about 5 bytes a character; the bound leaves room for the builder's chunk sizes.</summary>
    [Fact]
    public void Generating_allocates_no_more_per_token_than_its_text()
    {
        TextGenerator generator = new(Model(), s_vocabulary, new SamplingOptions(Temperature: 1.5f));
        string[] stops = ["\u0001never"];
        long Allocated(int tokens)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            generator.Generate(["abc"], tokens, seed: 9, stops);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(100);   // the step weights, the first stream's buffers
        long perToken = (Allocated(6_000) - Allocated(2_000)) / 4_000;
        Assert.True(perToken <= 12, $"{perToken} bytes a token");
    }

    [Fact]
    public void Greedy_generation_is_deterministic_without_a_seed_dependence()
    {
        TextGenerator generator = new(Model(), s_vocabulary, new SamplingOptions(Temperature: 0f));
        Assert.Equal(generator.Generate(["ab"], 50, seed: 1)[0], generator.Generate(["ab"], 50, seed: 2)[0]);
    }
}
