using RnnNative.Corpora;
using RnnNative.Data;
using RnnNative.Datasets;

namespace RnnNative.Tasks;

/// <summary>
/// The built-in data of the tasks that train with no download: slot filling on generated flight-booking
/// requests (tagging, <see cref="SlotFillingCorpus"/>) and the adding problem (regression, <see cref="AddingProblem"/>).
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
}
