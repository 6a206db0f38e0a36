using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Randomness;
using RnnNative.Sampling;
using RnnNative.Tasks;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Native.Interop;

// What an rnn_trainer, rnn_state, rnn_sampler, rnn_generator and rnn_dataset handle holds: the engine objects of
// one host-side object, nothing computed.

/// <summary>
/// An rnn_trainer: a training run of a language model (<see cref="LanguageTrainerSession"/>) or of a sequence model
/// (<see cref="TaskTrainerSession"/>), with the cancellation source of the train call in progress and the last progress
/// report. The exports drive both through these members.
/// </summary>
internal abstract class TrainerSession
{
    public CancellationTokenSource? Cancellation { get; set; }

    public TrainingProgress? LastProgress { get; set; }

    /// <summary>Updates made so far.</summary>
    public abstract long Updates { get; }

    /// <summary>The report after each update and validation; null: none.</summary>
    public abstract Action<TrainingProgress>? Progress { set; }

    /// <summary>Its losses are cross-entropies (perplexity and bits per token mean something).</summary>
    public abstract bool CrossEntropy { get; }

    public abstract TrainingStop Run(long updates, CancellationToken cancellation);

    /// <summary>The loss on the held-out data now.</summary>
    public abstract double Validate();

    /// <summary>rnn_trainer_save_checkpoint; <paramref name="vocab"/> is the rnn_vocab argument.</summary>
    public abstract void SaveCheckpoint(string path, nint vocab);

    /// <summary>rnn_trainer_resume.</summary>
    public abstract void Resume(string path);

    /// <summary>rnn_trainer_set_checkpoint; a null path turns automatic saves off.</summary>
    public abstract void SetCheckpoint(string? path, nint vocab);
}

/// <summary>A char-rnn trainer and the corpus it reads.</summary>
internal sealed class LanguageTrainerSession(Trainer trainer, TokenSequence corpus) : TrainerSession
{
    public Trainer Trainer { get; } = trainer;

    /// <summary>Kept so the corpus (maybe a mapped file) lives as long as the trainer reads it.</summary>
    public TokenSequence Corpus { get; } = corpus;

    public override long Updates => Trainer.Optimizer.UpdateCount;

    public override Action<TrainingProgress>? Progress { set => Trainer.Progress = value; }

    public override bool CrossEntropy => true;

    public override TrainingStop Run(long updates, CancellationToken cancellation) => Trainer.Run(updates, cancellation);

    public override double Validate() => Trainer.Validate();

    public override void SaveCheckpoint(string path, nint vocab) => Trainer.SaveCheckpoint(path, HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab"));

    public override void Resume(string path)
    {
        LoadedModel checkpoint = ModelFile.Load(path);
        // The engine names its own parameters (checkpoint, snapshot); to the host the file is `path`.
        Configs.Validate(() => Trainer.Resume(checkpoint), "path");
    }

    public override void SetCheckpoint(string? path, nint vocab) =>
        Trainer.Checkpoints = path is null ? null : new CheckpointFiles(path, HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab"));
}

/// <summary>A training run of a sequence model over whole sequences (<see cref="TaskTraining"/>), which keeps its data.</summary>
internal sealed class TaskTrainerSession(TaskTraining training) : TrainerSession
{
    public TaskTraining Training { get; } = training;

    public override long Updates => Training.Loop.Optimizer.UpdateCount;

    public override Action<TrainingProgress>? Progress { set => Training.Loop.Progress = value; }

    public override bool CrossEntropy => Training.Model.Model.Config.Kind != ModelKind.Regressor;

    public override TrainingStop Run(long updates, CancellationToken cancellation) => Training.Loop.Run(updates, cancellation);

    public override double Validate() => Training.Loop.Validate();

    /// <summary>A sequence model's file holds its own vocabulary: <paramref name="vocab"/> is ignored.</summary>
    public override void SaveCheckpoint(string path, nint vocab) => Training.SaveCheckpoint(path);

    public override void Resume(string path)
    {
        LoadedTaskModel checkpoint = TaskModel.Load(path);
        Configs.Validate(() => Training.Resume(checkpoint), "path");
    }

    public override void SetCheckpoint(string? path, nint vocab) => Training.Checkpoints = path;
}

/// <summary>A batch-1 recurrent state and the model replica that steps it (its own scratch buffers).</summary>
internal sealed class StateSession(LanguageModel model)
{
    public LanguageModel Replica { get; } = model.CreateInferenceReplica();

    public RecurrentState State { get; } = new(model.Config, batch: 1);

    public int[] Token { get; } = new int[1];
}

internal sealed class SamplerSession(TokenSampler sampler, SeededRandom random)
{
    public TokenSampler Sampler { get; } = sampler;

    public SeededRandom Random { get; } = random;
}

/// <summary>A text generator over a replica of the model, with the per-call settings of its config.</summary>
internal sealed class GeneratorSession(TextGenerator generator, int maxTokens, ulong seed, string[] stops)
{
    public TextGenerator Generator { get; } = generator;

    public int MaxTokens { get; } = maxTokens;

    public ulong Seed { get; } = seed;

    public string[] Stops { get; } = stops;
}

/// <summary>
/// An rnn_dataset: task data and the task it was read for. <see cref="HasTargets"/> is false for sequences given
/// without targets (their placeholder targets must not be trained on or scored) and for a CoNLL file read without tags.
/// </summary>
internal sealed class DatasetSession(TaskKind task, TaskData data, bool hasTargets)
{
    public TaskKind Task { get; } = task;

    public TaskData Data { get; } = data;

    public bool HasTargets { get; } = hasTargets && data.HasTargets;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="argument"/> unless it has targets to train on or score.</summary>
    public TaskData WithTargets(string argument) => HasTargets
        ? Data
        : throw new ArgumentException($"{argument} ({Data.Source}) has no targets (a CoNLL file read without tags, or sequences given without targets): it can only be predicted.", argument);

    /// <summary>The data, which must fit <paramref name="model"/> (its inputs, targets, vocabulary and labels) and, when
    /// <paramref name="targets"/>, have targets; else an <see cref="ArgumentException"/> naming <paramref name="argument"/>.</summary>
    public TaskData For(TaskModel model, string argument, bool targets)
    {
        TaskData data = targets ? WithTargets(argument) : Data;
        try
        {
            model.Encoding.Check(data.Set, data.Source);
        }
        catch (ArgumentException e)
        {
            throw Configs.Renamed(e, ("set", argument));
        }
        return data;
    }
}

/// <summary>
/// An rnn_dataset of pairs (since 0.5.0): the source and target sequences of a seq2seq model, encoded with its two
/// vocabularies (fitted to them when it is training data).
/// </summary>
internal sealed class PairDatasetSession(Seq2SeqData data)
{
    public Seq2SeqData Data { get; } = data;

    /// <summary>The pairs, which must fit <paramref name="model"/>'s vocabularies; else an <see cref="ArgumentException"/>
    /// naming <paramref name="argument"/>.</summary>
    public Seq2SeqData For(Seq2SeqTaskModel model, string argument)
    {
        (int source, int target) = (model.Encoding.Source.Count, model.Encoding.Target.Count);
        if (Data.Encoding.Source.Count != source || Data.Encoding.Target.Count != target)
        {
            throw new ArgumentException($"{argument} ({Data.Source}) was encoded with vocabularies of {Data.Encoding.Source.Count} source and {Data.Encoding.Target.Count} target tokens; the model has {source} and {target}: read it for the model.", argument);
        }
        return Data;
    }
}

/// <summary>A training run of a seq2seq model (<see cref="Seq2SeqTraining"/>), which keeps its pairs.</summary>
internal sealed class Seq2SeqTrainerSession(Seq2SeqTraining training) : TrainerSession
{
    public Seq2SeqTraining Training { get; } = training;

    public override long Updates => Training.Loop.Optimizer.UpdateCount;

    public override Action<TrainingProgress>? Progress { set => Training.Loop.Progress = value; }

    public override bool CrossEntropy => true;

    public override TrainingStop Run(long updates, CancellationToken cancellation) => Training.Loop.Run(updates, cancellation);

    public override double Validate() => Training.Loop.Validate();

    /// <summary>A seq2seq model's file holds its own vocabularies: <paramref name="vocab"/> is ignored.</summary>
    public override void SaveCheckpoint(string path, nint vocab) => Training.SaveCheckpoint(path);

    public override void Resume(string path)
    {
        LoadedSeq2SeqTaskModel checkpoint = Seq2SeqTaskModel.Load(path);
        Configs.Validate(() => Training.Resume(checkpoint), "path");
    }

    public override void SetCheckpoint(string? path, nint vocab) => Training.Checkpoints = path;
}
