using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Sampling;
using RnnNative.Text;

namespace RnnNative;

/// <summary>
/// The front door for the common path (read a text, build a model, sample from it, load a saved
/// one) in the root namespace, so that a program needs <c>using RnnNative;</c> and, to train,
/// <c>using RnnNative.Training;</c>. Each method is one call into the types its summary names;
/// those types remain the way to everything else.
/// </summary>
public static class Rnn
{
    /// <summary>
    /// A UTF-8 text file as training data: a vocabulary of the characters it uses
    /// (<see cref="Utf8CharVocabulary"/>) and its tokens, of which the last
    /// <paramref name="validationFraction"/> are held out (<see cref="CorpusSplit.Create"/>).
    /// </summary>
    public static TextData ReadText(string path, double validationFraction = CorpusSplit.DefaultValidationFraction)
    {
        Vocabulary vocabulary;
        using (FileStream text = File.OpenRead(path))
        {
            vocabulary = Utf8CharVocabulary.Build(text);
        }
        return ReadText(path, vocabulary, validationFraction);
    }

    /// <summary>A UTF-8 text file as tokens of a given vocabulary (e.g. <see cref="ByteVocabulary.Instance"/>
    /// or a <see cref="WordVocabulary"/>), encoded by <see cref="CorpusEncoder.EncodeFile"/>.</summary>
    public static TextData ReadText(string path, Vocabulary vocabulary, double validationFraction = CorpusSplit.DefaultValidationFraction)
    {
        TokenSequence tokens = CorpusEncoder.EncodeFile(path, vocabulary);
        try
        {
            return new TextData(vocabulary, tokens, CorpusSplit.Create(tokens, validationFraction));
        }
        catch
        {
            tokens.Dispose();
            throw;
        }
    }

    /// <summary>A language model over <paramref name="vocabulary"/> (<see cref="LanguageModel"/>), its
    /// weights initialized from <paramref name="seed"/> as every front door does (<see cref="LanguageModel.Initialize(ulong)"/>);
    /// <paramref name="embeddingSize"/> 0 takes the engine's default (<see cref="LanguageModelConfig.DefaultEmbeddingSize"/>).</summary>
    public static LanguageModel CreateModel(Vocabulary vocabulary, int hiddenSize, int layers, int embeddingSize = 0, CellType cell = CellType.Lstm, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        LanguageModel model = new(new LanguageModelConfig(vocabulary.Count, embeddingSize, cell, hiddenSize, layers).WithDefaults());
        model.Initialize(seed);
        return model;
    }

    /// <summary>A model file or checkpoint: the model, its vocabulary and any training state (<see cref="ModelFile.Load(string, Kernels.KernelSet?)"/>).</summary>
    public static LoadedModel Load(string path) => ModelFile.Load(path);

    /// <summary>Text continuing <paramref name="prime"/>, streamed piece by piece (<see cref="TextGenerator.Stream"/>);
    /// <paramref name="temperature"/> null keeps <see cref="SamplingOptions"/>' default.</summary>
    public static IEnumerable<string> Sample(LanguageModel model, Vocabulary vocabulary, string prime, int length, float? temperature = null, ulong seed = 1)
    {
        SamplingOptions options = temperature is float t ? new SamplingOptions(Temperature: t) : new SamplingOptions();
        return new TextGenerator(model, vocabulary, options).Stream(prime, length, seed);
    }
}
