using RnnNative.Corpora;
using RnnNative.Data;
using RnnNative.Tasks;

namespace RnnNative.Tests.Tasks;

public class TaskDemosTests
{
    [Fact]
    public void The_slot_filling_demo_is_the_generated_corpus_read_as_a_conll_file()
    {
        TaskData data = TaskDemos.SlotFilling(sentences: 50, seed: 7);
        TaggedSentence[] corpus = SlotFillingCorpus.Generate(50, seed: 7);

        Assert.Equal(50, data.Set.Count);
        Assert.Equal(corpus[3].Tokens.Count, data.Set.Length(3));
        Assert.Equal(TargetKind.StepClasses, data.Encoding.Target);
        Assert.Equal(corpus[3].Tags[0], data.Encoding.Labels![data.Set.Classes[data.Set.Offsets[3]]]);
        // Held-out sentences of another seed, encoded with the first data's vocabulary and tags.
        TaskData heldOut = TaskDemos.SlotFilling(sentences: 20, seed: 8, encoding: data.Encoding);
        Assert.Same(data.Encoding, heldOut.Encoding);
        Assert.NotEqual(data.Set.Tokens.Take(20), heldOut.Set.Tokens.Take(20));
    }

    [Fact]
    public void The_adding_demo_is_the_adding_problem_as_dense_sequences_with_one_value_each()
    {
        TaskData data = TaskDemos.Adding(sequences: 30, timesteps: 12, seed: 5);
        AddingProblem problem = AddingProblem.Generate(30, 12, seed: 5);

        Assert.Equal(2, data.Encoding.FeatureSize);
        Assert.Equal(TargetKind.SequenceValues, data.Encoding.Target);
        Assert.Equal(1, data.Encoding.Outputs);
        Assert.Equal(problem.Inputs, data.Set.Features);
        Assert.Equal(problem.Targets, data.Set.Values);
        Assert.All(Enumerable.Range(0, 30), i => Assert.Equal(12, data.Set.Length(i)));
    }

    [Fact]
    public void The_task_table_names_each_tasks_demo_and_targets()
    {
        Assert.True(TaskKind.Tagging.HasDemo);
        Assert.Equal(12, TaskKind.Regression.Demo(timesteps: 12).Set.Length(0));
        Assert.False(TaskKind.Classification.HasDemo);
        Assert.Throws<InvalidOperationException>(() => TaskKind.Classification.Demo());
        Assert.Same(TaskKind.Regression, TaskKind.Of(TargetKind.StepValues));
        Assert.Same(TaskKind.Tagging, TaskKind.Of(TargetKind.StepClasses));
        Assert.Same(TaskKind.Classification, TaskKind.Of(TargetKind.SequenceClass));
    }
}
