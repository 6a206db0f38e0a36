using RnnNative.Cells;
using RnnNative.Corpora;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Sampling;
using RnnNative.Tasks;

namespace RnnNative.Tests.Tasks;

public class Seq2SeqTaskModelTests
{
    /// <summary>Every string of 1..3 of "abc" and its reversal: 39 pairs.</summary>
    private static readonly (string Source, string Target)[] Reversals =
    [
        .. from length in Enumerable.Range(1, 3)
           from index in Enumerable.Range(0, (int)Math.Pow(3, length))
           let text = new string([.. Enumerable.Range(0, length).Select(k => "abc"[index / (int)Math.Pow(3, k) % 3])])
           select (text, new string([.. text.Reverse()])),
    ];

    private static readonly TaskDataOptions Characters = new() { Unit = TokenUnit.Characters };

    /// <summary>A small LSTM trained a few hundred updates on <see cref="Reversals"/> (it gets most of them right).</summary>
    private static Seq2SeqTaskModel Trained(out Seq2SeqData data)
    {
        data = Seq2SeqData.FromPairs(Reversals, options: Characters, source: "reversals");
        Seq2SeqTaskModel model = Seq2SeqTaskModel.Create(data, new TaskModelOptions { HiddenSize = 24, EmbeddingSize = 8, Seed = 2 });
        TrainingOptions options = Seq2SeqTraining.DefaultOptions with { BatchSize = 8, MaxUpdates = 400, EvaluateEvery = 0, Seed = 1 };
        new Seq2SeqTraining(model, data, data, options).Loop.Run();
        return model;
    }

    [Fact]
    public void Evaluate_scores_the_translations_of_its_sources_greedy_and_beam()
    {
        Seq2SeqTaskModel model = Trained(out Seq2SeqData data);
        string[] sources = [.. Reversals.Select(p => p.Source)];

        foreach (BeamOptions? beam in new BeamOptions?[] { null, new() { Width = 3 } })
        {
            Translation[] translations = model.Translate(sources, beam, batchSize: 7);
            // Counted here from the texts: the share of pairs whose translation is the target.
            double exact = Reversals.Where((pair, i) => translations[i].Text == pair.Target).Count() / (double)Reversals.Length;
            Seq2SeqEvaluation evaluation = model.Evaluate(data, beam, batchSize: 5);
            Assert.Equal(exact, evaluation.ExactMatch, 12);
            Assert.True(exact > 0.6, $"the model learned too little to test with ({exact:P0} exact)");
            Assert.True(evaluation.TokenAccuracy >= exact);
            // Batching changes no translation: the sources of one batch decode as they do alone.
            Translation[] oneByOne = model.Translate(sources, beam, batchSize: 1);
            Assert.Equal(translations.Select(t => t.Text), oneByOne.Select(t => t.Text));
            Assert.Equal(translations[20].LogProbability, oneByOne[20].LogProbability, 4);
        }
        // A model of other weights scores otherwise: the scores are the model's, not constants.
        Seq2SeqTaskModel untrained = Seq2SeqTaskModel.Create(data, new TaskModelOptions { HiddenSize = 24, EmbeddingSize = 8, Seed = 2 });
        Assert.True(untrained.Evaluate(data).ExactMatch < 0.2);
        Assert.True(untrained.Evaluate(data).Loss > model.Evaluate(data).Loss + 0.5);
    }

    [Fact]
    public void A_symbol_the_source_vocabulary_lacks_reads_as_unknown_and_a_source_without_units_is_refused()
    {
        Seq2SeqData data = Seq2SeqData.FromPairs(Reversals, options: Characters);
        Seq2SeqTaskModel model = Seq2SeqTaskModel.Create(data, new TaskModelOptions { HiddenSize = 6, Seed = 5 });

        Translation[] translations = model.Translate(["ax", "ay", "a"], maxLength: 4);
        // x and y are both <unk>: the same ids, the same translation; "a" alone is another source.
        Assert.Equal(translations[0].Tokens, translations[1].Tokens);
        Assert.Equal(translations[0].LogProbability, translations[1].LogProbability);
        Assert.NotEqual(translations[0].LogProbability, translations[2].LogProbability);
        Assert.Equal([SpecialTokens.Unknown], data.Encoding.Source.Encode("x"));
        // One source alone decodes too (every row ends at once, or at the maximum length).
        Assert.Equal(translations[2].Tokens, model.Translate(["a"], maxLength: 4)[0].Tokens);
        Assert.All(translations, t => Assert.True(t.Tokens.Length <= 4));

        ArgumentException empty = Assert.Throws<ArgumentException>(() => model.Translate(["ab", ""]));
        Assert.Contains("source 1", empty.Message);
    }

    [Fact]
    public void Create_takes_the_seq2seq_defaults_and_refuses_options_that_do_not_apply()
    {
        Seq2SeqData data = Seq2SeqData.FromPairs(Reversals, options: Characters);
        Seq2SeqTaskModel model = Seq2SeqTaskModel.Create(data);

        Assert.Equal(CellType.Lstm, model.Model.Config.Cell);
        Assert.Equal(Seq2SeqTaskModel.DefaultHiddenSize, model.Model.Config.HiddenSize);
        Assert.Equal(Seq2SeqTaskModel.DefaultLayers, model.Model.Config.Layers);
        Assert.False(model.Model.Config.Bidirectional);
        // Three characters and the four special tokens on each side.
        Assert.Equal(7, model.Model.Config.SourceVocabularySize);
        Assert.Equal(7, model.Model.Config.TargetVocabularySize);
        Assert.Equal("EmbeddingSize", Assert.Throws<ArgumentException>(() => Seq2SeqTaskModel.Create(data, new TaskModelOptions { EmbeddingSize = 0 })).ParamName);
        Assert.Equal("Pooling", Assert.Throws<ArgumentException>(() => Seq2SeqTaskModel.Create(data, new TaskModelOptions { Pooling = SequencePooling.Mean })).ParamName);
        Assert.Throws<ArgumentException>(() => new TaskModelOptions().Resolve(TaskKind.Seq2Seq, new TaskEncoding(5, 0, TargetKind.SequenceClass, 2)));
    }

    [Fact]
    public void The_task_table_finds_seq2seq_by_name_and_model_kind_and_its_demo_is_the_addition_pairs()
    {
        Assert.Same(TaskKind.Seq2Seq, TaskKind.Find("seq2seq"));
        Assert.Same(TaskKind.Seq2Seq, TaskKind.Of(ModelKind.Seq2Seq));
        Assert.EndsWith("|seq2seq", TaskKind.Names);
        Assert.True(TaskKind.Seq2Seq.HasDemo);
        Assert.Throws<InvalidOperationException>(() => TaskKind.Seq2Seq.Demo());
        Assert.Throws<InvalidOperationException>(() => TaskKind.Tagging.PairDemo());

        (Seq2SeqData training, Seq2SeqData heldOut) = TaskDemos.Addition(training: 300, heldOut: 40, seed: 3);
        AdditionPairs pairs = AdditionPairs.Generate(300, 40, seed: 3);
        Assert.Equal(300, training.Set.Count);
        Assert.Equal(40, heldOut.Set.Count);
        Assert.Same(training.Encoding, heldOut.Encoding);
        Assert.Equal(pairs.HeldOut[7].Source, heldOut.Pairs[7].Source);
        Assert.Equal(TokenUnit.Characters, training.Encoding.Source.Unit);
        // Reversed questions of digits and '+'; answers of digits: 11 and 10 symbols after the 4 special tokens.
        Assert.Equal(15, training.Encoding.Source.Count);
        Assert.Equal(14, training.Encoding.Target.Count);
        Assert.Equal(pairs.Training[0].Target, training.Encoding.Target.Decode(training.Set.Target(0)));
    }
}
