using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Sampling;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Sampling;

/// <summary>Greedy and beam search driving a real <see cref="Seq2SeqModel"/> (small, randomly initialised) through its
/// decoding session: the searches' log-probabilities are the model's teacher-forced ones, on every kernel path.</summary>
public class Seq2SeqSearchTests
{
    private const int SourceVocabulary = 9, TargetVocabulary = 7, MaxLength = 6;

    public static TheoryData<KernelPath, CellType, bool> Models
    {
        get
        {
            TheoryData<KernelPath, CellType, bool> data = [];
            foreach (KernelPath path in KernelPaths.Available)
            {
                data.Add(path, CellType.Gru, true);    // bidirectional encoder: a bridge
                data.Add(path, CellType.Lstm, false);  // the encoder's final state handed over as it is
            }
            return data;
        }
    }

    private static Seq2SeqModel Model(KernelPath path, CellType cell, bool bidirectional)
    {
        Seq2SeqModel model = new(new Seq2SeqConfig(cell, SourceVocabulary, TargetVocabulary, HiddenSize: 12, Layers: 1) { EmbeddingSize = 5, Bidirectional = bidirectional }, KernelSet.For(path));
        model.Initialize(7);
        return model;
    }

    /// <summary>Five sources of 1..5 random symbols.</summary>
    private static int[][] Sources() =>
        [.. Enumerable.Range(1, 5).Select(length => Enumerable.Range(0, length).Select(i => SpecialTokens.Count + (length * 7 + i * 3) % (SourceVocabulary - SpecialTokens.Count)).ToArray())];

    private static IStepDecoder Start(Seq2SeqModel model, int[][] sources)
    {
        Seq2SeqBatch batch = Batch(sources, [.. sources.Select(_ => Array.Empty<int>())]);
        return model.StartDecoding(batch.SourceTokens, batch.SourceLengths, batch.SourceTimesteps);
    }

    /// <summary>The teacher-forcing batch of (source, target) pairs: BOS + target in, target + EOS out.</summary>
    private static Seq2SeqBatch Batch(int[][] sources, int[][] targets)
    {
        int b = sources.Length;
        Seq2SeqBatch batch = new(sources.Max(s => s.Length), targets.Max(t => t.Length) + 1, b);
        for (int pair = 0; pair < b; pair++)
        {
            batch.SourceLengths[pair] = sources[pair].Length;
            batch.TargetLengths[pair] = targets[pair].Length + 1;
            batch.Examples[pair] = pair;
            for (int t = 0; t < sources[pair].Length; t++) batch.SourceTokens[t * b + pair] = sources[pair][t];
            for (int t = 0; t <= targets[pair].Length; t++)
            {
                batch.DecoderInputs[t * b + pair] = t == 0 ? SpecialTokens.Start : targets[pair][t - 1];
                batch.DecoderTargets[t * b + pair] = t < targets[pair].Length ? targets[pair][t] : SpecialTokens.End;
            }
        }
        return batch;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_beam_of_width_one_is_greedy_on_the_model(KernelPath path, CellType cell, bool bidirectional)
    {
        Seq2SeqModel model = Model(path, cell, bidirectional);
        int[][] sources = Sources();

        DecodedSequence[] greedy = GreedySearch.Decode(Start(model, sources), MaxLength);
        DecodedSequence[][] beam = BeamSearch.Decode(Start(model, sources), new BeamOptions { Width = 1, MaxLength = MaxLength, LengthPenalty = 0 });

        for (int s = 0; s < sources.Length; s++)
        {
            DecodedSequence only = Assert.Single(beam[s]);
            Assert.Equal(greedy[s].Tokens, only.Tokens);
            Assert.Equal(greedy[s].Finished, only.Finished);
            Assert.Equal(greedy[s].LogProbability, only.LogProbability);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Beam_log_probabilities_are_the_models_teacher_forced_loss(KernelPath path, CellType cell, bool bidirectional)
    {
        Seq2SeqModel model = Model(path, cell, bidirectional);
        int[][] sources = Sources();

        DecodedSequence[][] beam = BeamSearch.Decode(Start(model, sources), new BeamOptions { Width = 8, MaxLength = MaxLength, LengthPenalty = 0 });

        // Finished results: the loss of the pair (source, tokens) is -log p of the tokens and EOS.
        var finished = sources.SelectMany((source, s) => beam[s].Where(r => r.Finished).Select(r => (Source: source, Result: r))).ToList();
        Assert.True(finished.Count >= 5, $"only {finished.Count} finished results to check: {string.Join("; ", beam.SelectMany(b => b).Select(r => string.Join(' ', r.Tokens) + (r.Finished ? " EOS" : "") + " " + r.LogProbability))}");
        foreach ((int[] source, DecodedSequence result) in finished)
        {
            double loss = model.EvaluateBatch(Batch([source], [result.Tokens]));
            Assert.Equal(-result.LogProbability, loss, 1e-4 * Math.Max(1, loss));
        }
        // All of them in one batch: the summed loss is the sum.
        double total = model.EvaluateBatch(Batch([.. finished.Select(f => f.Source)], [.. finished.Select(f => f.Result.Tokens)]));
        Assert.Equal(-finished.Sum(f => f.Result.LogProbability), total, 1e-4 * total);
        Assert.All(beam, results => Assert.Equal(8, results.Length));
    }
}
