using RnnNative.Cells;
using RnnNative.Datasets;
using RnnNative.IO;
using RnnNative.Model;
using RnnNative.Tasks;
using RnnNative.Text;
using RnnNative.Tests.Datasets;

namespace RnnNative.Tests.Tasks;

/// <summary>Sentences and texts given in memory are read by the rules of the files they stand for (units, case, cap, labels),
/// and their problems are placed by index instead of by line.</summary>
public class TextFromMemoryTests
{
    private static readonly string[] Tokens = ["Fly", "to", "Boston", "book", "a", "flight", "to", "new", "york", "to", "Boston"];
    private static readonly string[] Tags = ["O", "O", "B-city", "O", "O", "O", "O", "B-city", "I-city", "O", "B-city"];
    private static readonly int[] Lengths = [3, 6, 2];
    private const string Conll = "Fly O\nto O\nBoston B-city\n\nbook O\na O\nflight O\nto O\nnew B-city\nyork I-city\n\nto O\nBoston B-city\n";

    [Theory]
    [InlineData(TokenUnit.Words, false)]
    [InlineData(TokenUnit.Characters, true)]
    public void Sentences_encode_as_their_conll_file(TokenUnit unit, bool lowercase)
    {
        using TempFiles files = new();
        TaskDataOptions options = new() { Unit = unit, Lowercase = lowercase, MaxVocabulary = 5 };
        TaskData file = TaskData.Read(TaskKind.Tagging, files.Write("train.conll", Conll), options);
        TaskData memory = TaskData.FromSentences(Tokens, Lengths, Tags, options);

        Assert.Equal(file.Set.Tokens, memory.Set.Tokens);
        Assert.Equal(file.Set.Classes, memory.Set.Classes);
        Assert.Equal(file.Set.Offsets, memory.Set.Offsets);
        Assert.Equal(file.Encoding.Labels!.Names, memory.Encoding.Labels!.Names);
        Assert.Equal(file.Encoding.VocabularySize, memory.Encoding.VocabularySize);
        Assert.True(memory.HasTargets);

        // For a model: its vocabulary (unseen units <unk>) and tags; without tags only predicted, written back as CoNLL.
        TaskModel model = TaskModel.Create(TaskKind.Tagging, memory, new TaskModelOptions { HiddenSize = 4, Seed = 2 });
        TaskData untagged = TaskData.FromSentences(["to", "Paris"], [2], null, encoding: model.Encoding);
        Assert.False(untagged.HasTargets);
        Assert.Throws<ArgumentException>(() => model.Evaluate(untagged));
        TaskPredictions predictions = model.Predict(untagged);
        string output = files.PathOf("out.conll");
        untagged.WritePredictions(predictions, output);
        string[] lines = File.ReadAllLines(output);
        Assert.Equal(["to " + model.Encoding.Labels![predictions.Label(0, 0)], "Paris " + model.Encoding.Labels![predictions.Label(0, TokenStep(unit, 1))], ""], lines);
    }

    /// <summary>The timestep of a sentence's second token: 1 as words, after "to" and its space as characters.</summary>
    private static int TokenStep(TokenUnit unit, int token) => unit == TokenUnit.Words ? token : 3 * token;

    [Fact]
    public void Texts_encode_as_their_tsv_file_and_without_labels_are_only_predicted()
    {
        using TempFiles files = new();
        string[] texts = ["Good film", "bad plot", "great cast"];
        TaskDataOptions options = new() { Unit = TokenUnit.Characters };
        TaskData file = TaskData.Read(TaskKind.Classification, files.Write("train.tsv", "pos\tGood film\nneg\tbad plot\npos\tgreat cast\n"), options);
        TaskData memory = TaskData.FromTexts(texts, ["pos", " neg ", "pos"], options);
        Assert.Equal(file.Set.Tokens, memory.Set.Tokens);
        Assert.Equal(file.Set.Classes, memory.Set.Classes);
        Assert.Equal(["neg", "pos"], memory.Encoding.Labels!.Names);

        TaskModel model = TaskModel.Create(TaskKind.Classification, memory, new TaskModelOptions { HiddenSize = 4 });
        TaskData unlabelled = TaskData.FromTexts(["good cast", "xyz"], null, encoding: model.Encoding);
        Assert.False(unlabelled.HasTargets);
        Assert.Throws<ArgumentException>(() => model.Evaluate(unlabelled));
        TaskPredictions predictions = model.Predict(unlabelled);
        string output = files.PathOf("out.tsv");
        unlabelled.WritePredictions(predictions, output);
        string[] lines = File.ReadAllLines(output);
        Assert.Equal(2, lines.Length);
        Assert.Equal([model.Encoding.Labels![predictions.Label(1)], predictions.Probability(1).ToString("F6", System.Globalization.CultureInfo.InvariantCulture), "xyz"], lines[1].Split('\t'));
    }

    [Fact]
    public void Problems_name_the_place_in_the_arrays()
    {
        TaskData training = TaskData.FromSentences(Tokens, Lengths, Tags);
        TaskModel model = TaskModel.Create(TaskKind.Tagging, training, new TaskModelOptions { HiddenSize = 4 });

        ArgumentException spaced = Assert.Throws<ArgumentException>(() => TaskData.FromSentences(["fly", "new york"], [2], null, encoding: model.Encoding));
        Assert.Equal("tokens", spaced.ParamName);
        Assert.StartsWith("tokens[1] (sentence 0, token 1): \"new york\" cannot be a CoNLL token", spaced.Message);
        Assert.StartsWith("tags[3] (sentence 1, token 1): \"\" cannot be a CoNLL tag", Assert.Throws<ArgumentException>(() => TaskData.FromSentences(["a", "b", "c", "d"], [2, 2], ["O", "O", "O", ""])).Message);
        DatasetFormatException unseen = Assert.Throws<DatasetFormatException>(() => TaskData.FromSentences(["a", "b", "c"], [1, 2], ["O", "O", "B-x"], encoding: model.Encoding));
        Assert.StartsWith("tags[2] (sentence 1, token 1): tag \"B-x\" was not seen in training", unseen.Message);
        Assert.Equal("tags", Assert.Throws<ArgumentException>(() => TaskData.FromSentences(["a"], [1], null)).ParamName);
        Assert.Equal("lengths", Assert.Throws<ArgumentException>(() => TaskData.FromSentences(["a", "b"], [1], null, encoding: model.Encoding)).ParamName);
        Assert.Equal("lengths", Assert.Throws<ArgumentException>(() => TaskData.FromSentences(["a", "b"], [1, 0, 1], null, encoding: model.Encoding)).ParamName);
        Assert.Equal("tags", Assert.Throws<ArgumentException>(() => TaskData.FromSentences(["a", "b"], [2], ["O"], encoding: model.Encoding)).ParamName);
        // Sentences are a tagger's: a classifier refuses them, and a tagger texts.
        Assert.Contains("read by a classifier", Assert.Throws<ArgumentException>(() => TaskData.FromTexts(["a b"], null, encoding: model.Encoding)).Message);

        TaskData texts = TaskData.FromTexts(["good film", "bad film"], ["pos", "neg"]);
        Assert.StartsWith("labels[1]: label \"meh\" was not seen in training", Assert.Throws<DatasetFormatException>(() => TaskData.FromTexts(["good", "so so"], ["pos", "meh"], encoding: texts.Encoding)).Message);
        Assert.StartsWith("texts[0]: the text has no word", Assert.Throws<DatasetFormatException>(() => TaskData.FromTexts(["  ", "so so"], null, encoding: texts.Encoding)).Message);
        Assert.StartsWith("labels[0]: the label is empty", Assert.Throws<ArgumentException>(() => TaskData.FromTexts(["good"], [" "])).Message);
        Assert.Equal("texts", Assert.Throws<ArgumentException>(() => TaskData.FromTexts([], null, encoding: texts.Encoding)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => TaskData.FromTexts(["good"], null)).ParamName);
        Assert.Contains("read by a tagger", Assert.Throws<ArgumentException>(() => TaskData.FromSentences(["good"], [1], null, encoding: texts.Encoding)).Message);
    }

    [Fact]
    public void A_model_file_of_either_kind_loads_from_one_read()
    {
        using TempFiles files = new();
        TaskModel tagger = TaskModel.Create(TaskKind.Tagging, TaskData.FromSentences(Tokens, Lengths, Tags), new TaskModelOptions { HiddenSize = 4 });
        string path = files.PathOf("tagger.rnn");
        tagger.Save(path);
        LoadedModelFile loaded = ModelFiles.Load(path);
        Assert.Null(loaded.Language);
        Assert.Equal(tagger.Model.Config, loaded.Sequence!.Model.Config);
        Assert.Equal(tagger.Encoding.Labels!.Names, TaskModel.FromFile(loaded.Sequence).Model.Encoding.Labels!.Names);
        Assert.Equal(ModelKind.Tagger, ModelFiles.Load(File.ReadAllBytes(path)).Sequence!.Model.Config.Kind);

        Vocabulary characters = Vocabulary.Build(VocabularyKind.Utf8Char, new MemoryStream("abc"u8.ToArray()));
        LanguageModel language = new(new LanguageModelConfig(characters.Count, EmbeddingSize: 2, CellType.Lstm, HiddenSize: 2, Layers: 1));
        string lmPath = files.PathOf("lm.rnn");
        ModelFile.Save(lmPath, language, characters);
        LoadedModelFile lm = ModelFiles.Load(lmPath);
        Assert.Null(lm.Sequence);
        Assert.Equal(language.Config, lm.Language!.Model.Config);
        string bad = files.Write("bad.rnn", "not a model");
        Assert.StartsWith(bad + ": ", Assert.Throws<CheckpointFormatException>(() => ModelFiles.Load(bad)).Message);
    }

    [Fact]
    public void A_classifiers_confusion_picture_is_written_and_other_kinds_have_none()
    {
        using TempFiles files = new();
        TaskData texts = TaskData.FromTexts(["good film", "bad film", "good plot"], ["pos", "neg", "pos"]);
        TaskModel model = TaskModel.Create(TaskKind.Classification, texts, new TaskModelOptions { HiddenSize = 4 });
        TaskEvaluation evaluation = model.Evaluate(texts);
        string svg = files.PathOf("confusion.svg");
        evaluation.WriteConfusionPicture(svg, "three reviews");
        string picture = File.ReadAllText(svg);
        Assert.StartsWith("<svg", picture.TrimStart());
        Assert.Contains("three reviews", picture);
        TaskData sentences = TaskData.FromSentences(Tokens, Lengths, Tags);
        TaskEvaluation tagging = TaskModel.Create(TaskKind.Tagging, sentences, new TaskModelOptions { HiddenSize = 4 }).Evaluate(sentences);
        Assert.Throws<InvalidOperationException>(() => tagging.WriteConfusionPicture(files.PathOf("no.svg")));
    }
}
