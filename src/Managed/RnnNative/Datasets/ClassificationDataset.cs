using RnnNative.Data;
using RnnNative.Text;

namespace RnnNative.Datasets;

/// <summary>
/// A classification file encoded for a classifier (<see cref="TargetKind.SequenceClass"/>): example i is the
/// text of line i as words or characters (<see cref="TokenVocabulary.Split"/>), its label a class of a
/// <see cref="LabelSet"/> collected from the training file. A label never seen in training, and a text with
/// no unit (blank, or only whitespace), are errors naming the file and line.
/// </summary>
public static class ClassificationDataset
{
    /// <summary>The input vocabulary (<paramref name="maxUnits"/> most frequent units, 0: all) and the class set of a training file.</summary>
    public static (TokenVocabulary Vocabulary, LabelSet Classes) Fit(ClassificationFile training, TokenUnit unit, int maxUnits = 0, bool lowercase = false)
    {
        ArgumentNullException.ThrowIfNull(training);
        IEnumerable<string> units = training.Examples.SelectMany(example => TokenVocabulary.Split(example.Text, unit));
        return (TokenVocabulary.Build(units, unit, maxUnits, lowercase), LabelSet.Collect(training.Examples.Select(example => example.Label)));
    }

    /// <summary>Encodes <paramref name="file"/> with a vocabulary and class set from <see cref="Fit"/>.</summary>
    /// <exception cref="DatasetFormatException">A label is not in <paramref name="classes"/>, or a text is empty.</exception>
    public static SequenceSet Encode(ClassificationFile file, TokenVocabulary vocabulary, LabelSet classes)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(classes);
        List<int> ids = [];
        int[] lengths = new int[file.Examples.Count];
        int[] targets = new int[lengths.Length];
        for (int i = 0; i < lengths.Length; i++)
        {
            LabeledText example = file.Examples[i];
            // Texts to predict have no label: class 0 stands in (the data has no targets to score or train on).
            targets[i] = file.Labelled ? classes.IdOf(example.Label) : 0;
            if (targets[i] < 0) throw file.Error(example, "labels", $"label \"{example.Label}\" was not seen in training (its {classes.Count} labels: {classes.Preview()})");
            List<string> units = TokenVocabulary.Split(example.Text, vocabulary.Unit);
            if (units.Count == 0) throw file.Error(example, "texts", $"the text has no {(vocabulary.Unit == TokenUnit.Words ? "word" : "character")}");
            foreach (string unit in units) ids.Add(vocabulary.Id(unit));
            lengths[i] = units.Count;
        }
        return SequenceSet.FromTokens(ids.ToArray(), lengths, TargetKind.SequenceClass, targets, []);
    }
}
