using RnnNative.Cells;
using RnnNative.Model;
using RnnNative.Sampling;
using RnnNative.Text;

namespace RnnNative.Tests.Sampling;

/// <summary>Batched serving (<see cref="TextGenerator.Generate(IReadOnlyList{StreamRequest})"/>): every stream's text is the
/// one it generates alone, whatever its neighbours, its row and the order requests join; finish reasons, token counts and
/// the batch draining.</summary>
public class BatchedServingTests
{
    private static readonly Vocabulary s_vocabulary = Utf8CharVocabulary.Build("abcdefgh éü✓\n"u8);

    private static LanguageModel Model(CellType cell = CellType.Lstm, SoftmaxKind softmax = SoftmaxKind.Full)
    {
        LanguageModelConfig config = new(s_vocabulary.Count, 8, cell, 16, cell == CellType.Jordan ? 1 : 2) { Softmax = softmax, Classes = softmax == SoftmaxKind.Class ? 4 : 0 };
        LanguageModel model = new(config);
        model.Initialize(new Random(3));
        return model;
    }

    /// <summary>Request i of a mix: prompts of different lengths (empty too), temperatures (greedy too), top-k, top-p,
    /// lengths, stop strings and seeds, shifted by <paramref name="variant"/> so that two lists give different neighbours.</summary>
    private static StreamRequest[] Mix(int count, int variant = 0) =>
    [
        .. Enumerable.Range(variant, count).Select(i => new StreamRequest(new string("abcdefgh éü✓"[i % 12], i % 5) + "ab"[..(i % 3)])
        {
            MaxTokens = 20 + (i * 7) % 50,
            Temperature = (i % 6) switch { 0 => 0f, 1 => 0.7f, 2 => 1.3f, _ => 1f },
            TopK = i % 4 == 3 ? 4 : 0,
            TopP = i % 5 == 4 ? 0.8f : 1f,
            StopStrings = i % 7 == 6 ? ["a", "é"] : [],
            Seed = 1000 + (ulong)i,
        }),
    ];

    private static StreamResult Alone(LanguageModel model, StreamRequest request) =>
        new TextGenerator(model, s_vocabulary, new SamplingOptions()).Generate([request])[0];

    [Theory]
    [InlineData(CellType.Lstm, SoftmaxKind.Full)]
    [InlineData(CellType.Gru, SoftmaxKind.Full)]
    [InlineData(CellType.Gru, SoftmaxKind.Class)]
    [InlineData(CellType.Jordan, SoftmaxKind.Full)]
    public void A_stream_in_a_batch_of_64_gives_the_text_it_gives_alone(CellType cell, SoftmaxKind softmax)
    {
        LanguageModel model = Model(cell, softmax);
        StreamRequest[] first = Mix(64), second = Mix(64, variant: 5);
        StreamResult[] together = new TextGenerator(model, s_vocabulary, new SamplingOptions(), streams: 64).Generate(first);
        // The same requests beside other neighbours, in other rows, joining a batch of 16 as rows free up.
        StreamResult[] elsewhere = new TextGenerator(model, s_vocabulary, new SamplingOptions(), streams: 16).Generate([.. second, .. first.Reverse()]);
        for (int i = 0; i < first.Length; i++)
        {
            StreamResult alone = Alone(model, first[i]);
            Assert.Equal(alone, together[i]);
            Assert.Equal(alone, elsewhere[second.Length + first.Length - 1 - i]);
        }
        Assert.Equal(Alone(model, second[0]), elsewhere[0]);
        Assert.True(together.Select(r => r.Text).Distinct().Count() > 50, "different requests give different texts");
    }

    [Fact]
    public void Streams_end_at_their_length_or_before_a_stop_string_with_their_token_counts()
    {
        LanguageModel model = Model();
        TextGenerator generator = new(model, s_vocabulary, new SamplingOptions(), streams: 4);
        StreamRequest free = new("ab") { MaxTokens = 120, Temperature = 2f, Seed = 4 };
        StreamResult full = generator.Generate([free])[0];
        Assert.Equal(new StreamResult(full.Text, 120, StreamFinish.Length), full);
        string stop = full.Text.Substring(40, 2);
        int cut = full.Text.IndexOf(stop, StringComparison.Ordinal);

        StreamResult[] results = generator.Generate([free with { StopStrings = [stop] }, free with { MaxTokens = 0 }, free with { MaxTokens = 7 }]);
        // A character vocabulary: one token per character, so the stop string's last character is token cut + 2.
        Assert.Equal(new StreamResult(full.Text[..cut], cut + 2, StreamFinish.Stop), results[0]);
        Assert.Equal(new StreamResult("", 0, StreamFinish.Length), results[1]);
        Assert.Equal(new StreamResult(full.Text[..7], 7, StreamFinish.Length), results[2]);
    }

    [Fact]
    public void The_old_call_is_the_requests_with_the_generators_options_and_consecutive_seeds()
    {
        LanguageModel model = Model();
        SamplingOptions options = new(Temperature: 0.9f, TopK: 6);
        string[] primes = ["a", "hgfe dcba", "", "éü"];
        string[] texts = new TextGenerator(model, s_vocabulary, options, streams: 3).Generate(primes, 40, seed: 7, ["✓"]);
        for (int i = 0; i < primes.Length; i++)
        {
            StreamRequest request = new(primes[i]) { MaxTokens = 40, Temperature = 0.9f, TopK = 6, StopStrings = ["✓"], Seed = 7 + (ulong)i };
            Assert.Equal(Alone(model, request).Text, texts[i]);
        }
    }

    [Fact]
    public void Finished_streams_leave_the_batch_and_a_waiting_one_takes_a_free_row()
    {
        LanguageModel model = Model();
        StreamBatch batch = new(model, drawsWithoutLogits: false, capacity: 3);
        StreamProgress Stream(int index, int tokens) => new(index, new StreamRequest("a") { MaxTokens = tokens }, [1], s_vocabulary, model.Kernels);
        batch.Add(Stream(0, 2));
        batch.Add(Stream(1, 5));
        batch.Add(Stream(2, 3));
        List<StreamProgress> finished = [];
        batch.Step(finished);
        batch.Step(finished);
        Assert.Equal([0], finished.Select(s => s.Index));
        Assert.Equal(2, batch.Count);
        Assert.True(batch.HasRoom);
        batch.Add(Stream(3, 1));   // takes row 0, zeroed: it finishes first in row order
        batch.Step(finished);
        Assert.Equal([0, 3, 2], finished.Select(s => s.Index));
        Assert.Equal(1, batch.Count);
        batch.Step(finished);
        batch.Step(finished);
        Assert.Equal([0, 3, 2, 1], finished.Select(s => s.Index));
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void A_bad_request_is_named_by_its_index_before_anything_is_generated()
    {
        TextGenerator generator = new(Model(), s_vocabulary, new SamplingOptions(), streams: 2);
        StreamRequest good = new("ab");
        Assert.Equal("requests[1].TopP", Assert.ThrowsAny<ArgumentException>(() => generator.Generate([good, good with { TopP = 0f }])).ParamName);
        Assert.Equal("requests[2].Temperature", Assert.ThrowsAny<ArgumentException>(() => generator.Generate([good, good, good with { Temperature = -1f }])).ParamName);
        Assert.Equal("requests[0].MaxTokens", Assert.ThrowsAny<ArgumentException>(() => generator.Generate([good with { MaxTokens = -1 }])).ParamName);
        Assert.Equal("requests[1].StopStrings", Assert.ThrowsAny<ArgumentException>(() => generator.Generate([good, good with { StopStrings = ["a", null!] }])).ParamName);
        Assert.Equal("requests[1]", Assert.ThrowsAny<ArgumentException>(() => generator.Generate([good, null!])).ParamName);
        ArgumentException prompt = Assert.ThrowsAny<ArgumentException>(() => generator.Generate([good, new StreamRequest("aXb")]));
        Assert.Equal("requests[1].Prompt", prompt.ParamName);
        Assert.Contains("X", prompt.Message, StringComparison.Ordinal);
        Assert.Empty(generator.Generate([]));
    }
}
