using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Text;

namespace RnnNative.Datasets;

/// <summary>
/// A CoNLL document encoded for a tagger (<see cref="TargetKind.StepClasses"/>), one sequence per sentence.
/// <para>Words: one timestep per token, its tag the target. Characters: the sentence's tokens joined by
/// single spaces, one timestep per character; each character is tagged with its token's tag and each
/// space with the tag of the token before it, so every timestep has a target; a token's predicted tag
/// is read at its first character (<see cref="TokenSteps"/>).</para>
/// <para>Tags are ids of a <see cref="LabelSet"/> collected from the training file; a tag never seen in
/// training is an error naming the file and line. Untagged documents (prediction) get
/// <see cref="KernelSet.IgnoreTarget"/> targets.</para>
/// </summary>
public sealed class TaggingDataset
{
    private TaggingDataset(ConllDocument document, SequenceSet set, int[][] tokenSteps)
    {
        Document = document;
        Set = set;
        TokenSteps = tokenSteps;
    }

    /// <summary>The sentences as read (raw tokens and columns, for writing predictions back).</summary>
    public ConllDocument Document { get; }

    /// <summary>The encoded sequences, sentence s as example s.</summary>
    public SequenceSet Set { get; }

    /// <summary>[sentence][token]: the timestep within its sequence where each token's prediction is read.</summary>
    public IReadOnlyList<int[]> TokenSteps { get; }

    /// <summary>The input vocabulary (<paramref name="maxUnits"/> most frequent units, 0: all) and the tag set of a training document.</summary>
    public static (TokenVocabulary Vocabulary, LabelSet Tags) Fit(ConllDocument training, TokenUnit unit, int maxUnits = 0, bool lowercase = false)
    {
        ArgumentNullException.ThrowIfNull(training);
        List<string> units = [];
        List<string> tags = [];
        foreach (ConllSentence sentence in training.Sentences)
        {
            foreach ((string text, int token) in Units(sentence, unit)) units.Add(text);
            for (int i = 0; i < sentence.Count; i++) tags.Add(sentence.Tag(i) ?? throw new ArgumentException($"{training.File}:{sentence.Lines[i]}: a training file needs tags", nameof(training)));
        }
        return (TokenVocabulary.Build(units, unit, maxUnits, lowercase), LabelSet.Collect(tags));
    }

    /// <summary>Encodes <paramref name="document"/> with a vocabulary and tag set from <see cref="Fit"/>.</summary>
    /// <exception cref="DatasetFormatException">A tag of the document is not in <paramref name="tags"/>.</exception>
    public static TaggingDataset Encode(ConllDocument document, TokenVocabulary vocabulary, LabelSet tags)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(tags);
        List<int> ids = [], classes = [];
        int[] lengths = new int[document.Sentences.Count];
        int[][] tokenSteps = new int[lengths.Length][];
        for (int s = 0; s < lengths.Length; s++)
        {
            ConllSentence sentence = document.Sentences[s];
            int[] tagIds = new int[sentence.Count];
            for (int i = 0; i < sentence.Count; i++) tagIds[i] = TagId(document, s, i, tags);
            tokenSteps[s] = new int[sentence.Count];
            int step = 0, previousToken = -1;
            foreach ((string text, int token) in Units(sentence, vocabulary.Unit))
            {
                if (token != previousToken) tokenSteps[s][token] = step;   // a space carries the previous token, so it starts nothing
                previousToken = token;
                ids.Add(vocabulary.Id(text));
                classes.Add(tagIds[token]);
                step++;
            }
            lengths[s] = step;
        }
        SequenceSet set = SequenceSet.FromTokens(ids.ToArray(), lengths, TargetKind.StepClasses, classes.ToArray(), []);
        return new TaggingDataset(document, set, tokenSteps);
    }

    /// <summary>The tag of each token of each sentence read from per-timestep predicted tag ids (<paramref name="predictedStep"/>(sentence, timestep)).</summary>
    public IReadOnlyList<IReadOnlyList<string>> TagsFromSteps(LabelSet tags, Func<int, int, int> predictedStep)
    {
        string[][] result = new string[TokenSteps.Count][];
        for (int s = 0; s < result.Length; s++)
        {
            result[s] = [.. TokenSteps[s].Select(step => tags[predictedStep(s, step)])];
        }
        return result;
    }

    private static int TagId(ConllDocument document, int s, int i, LabelSet tags)
    {
        string? tag = document.Tagged ? document.Sentences[s].Tag(i) : null;
        if (tag == null) return KernelSet.IgnoreTarget;
        int id = tags.IdOf(tag);
        return id >= 0 ? id : throw document.Error(s, i, "tags", $"tag \"{tag}\" was not seen in training (its {tags.Count} tags: {tags.Preview()})");
    }

    /// <summary>The input units of a sentence, each with the index of the token it belongs to (see the class summary).</summary>
    private static IEnumerable<(string Text, int Token)> Units(ConllSentence sentence, TokenUnit unit)
    {
        for (int i = 0; i < sentence.Count; i++)
        {
            if (unit == TokenUnit.Words)
            {
                yield return (sentence.Token(i), i);
                continue;
            }
            if (i > 0) yield return (" ", i - 1);
            foreach (string character in TokenVocabulary.Split(sentence.Token(i), TokenUnit.Characters)) yield return (character, i);
        }
    }
}
