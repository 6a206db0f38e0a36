using RnnNative.Corpora;
using RnnNative.Data;
using RnnNative.Datasets;

namespace RnnNative.Tasks;

/// <summary>
/// The built-in data of the tasks that train with no download: slot filling on generated flight-booking
/// requests (tagging, <see cref="SlotFillingCorpus"/>), the adding problem (regression, <see cref="AddingProblem"/>) and
/// the addition questions (seq2seq, <see cref="AdditionPairs"/>, the project's main demo).
/// The same arguments give the same data; another seed gives held-out data of the same kind.
/// </summary>
public static class TaskDemos
{
    /// <summary>Sentences of the slot-filling demo when none is given.</summary>
    public const int DefaultSentences = 4000;

    /// <summary>Sequences of the adding problem when none is given.</summary>
    public const int DefaultSequences = 10000;

    /// <summary>T of the adding problem when none is given: 100, the length the target names (Le et al. 2015 use 150 to 750).</summary>
    public const int DefaultTimesteps = 100;

    /// <summary><paramref name="sentences"/> generated requests with BIO slot tags, read as a user's CoNLL file would be:
    /// fitted to (<paramref name="options"/>) when <paramref name="encoding"/> is null, else encoded with it (a model's).</summary>
    public static TaskData SlotFilling(int sentences = DefaultSentences, ulong seed = 1, TaskDataOptions? options = null, TaskEncoding? encoding = null) =>
        ConllTaskData.Parse(SlotFillingCorpus.ToConll(SlotFillingCorpus.Generate(sentences, seed)), "the slot-filling demo", options ?? new TaskDataOptions(), encoding);

    /// <summary><paramref name="sequences"/> adding problems of <paramref name="timesteps"/> timesteps: two features per timestep,
    /// one value per sequence to predict; encoded with <paramref name="encoding"/> (a model's) when given.</summary>
    public static TaskData Adding(int sequences = DefaultSequences, int timesteps = DefaultTimesteps, ulong seed = 1, TaskEncoding? encoding = null)
    {
        AddingProblem problem = AddingProblem.Generate(sequences, timesteps, seed);
        int[] lengths = [.. Enumerable.Repeat(timesteps, sequences)];
        SequenceSet set = SequenceSet.FromFeatures(problem.Inputs, AddingProblem.Features, lengths, TargetKind.SequenceValues, [], problem.Targets, valueSize: 1);
        return new ArrayTaskData("the adding problem", set, encoding ?? ArrayTaskData.Fit(set));
    }

    /// <summary>Training pairs of the addition demo when none is given: Keras's addition_rnn count.</summary>
    public const int DefaultAdditionPairs = 50_000;

    /// <summary>Held-out pairs of the addition demo when none is given.</summary>
    public const int DefaultHeldOutPairs = 1_000;

    /// <summary>
    /// The Keras addition task as character pairs: <paramref name="training"/> questions "535+61" -> "596" of operands up to
    /// <paramref name="digits"/> digits, the question's characters reversed ("16+535", Keras's REVERSE) when <paramref name="reverse"/>,
    /// and <paramref name="heldOut"/> questions none of which is a training question (<see cref="AdditionPairs"/>). Both sides are
    /// characters; the vocabularies are fitted to the training pairs when <paramref name="encoding"/> is null, else it encodes both (a model's).
    /// </summary>
    public static (Seq2SeqData Training, Seq2SeqData HeldOut) Addition(int training = DefaultAdditionPairs, int heldOut = DefaultHeldOutPairs,
        int digits = AdditionPairs.DefaultDigits, bool reverse = true, ulong seed = 1, Seq2SeqEncoding? encoding = null)
    {
        AdditionPairs pairs = AdditionPairs.Generate(training, heldOut, digits, reverse, seed);
        TaskDataOptions characters = new() { Unit = TokenUnit.Characters, MaxVocabulary = 0 };
        Seq2SeqData train = Seq2SeqData.FromPairs(pairs.Training, encoding, characters, "the addition demo");
        return (train, Seq2SeqData.FromPairs(pairs.HeldOut, train.Encoding, characters, "the addition demo's held-out questions"));
    }
}
