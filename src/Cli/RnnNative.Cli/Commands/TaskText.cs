using System.Globalization;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Model;
using RnnNative.Tasks;

namespace RnnNative.Cli.Commands;

/// <summary>How the commands describe a task model and its data in their summary lines.</summary>
internal static class TaskText
{
    /// <summary>"tagger (tag), LSTM 1x128, embedding 64, bidirectional, 12,345 parameters".</summary>
    public static string Model(TaskModel model)
    {
        SequenceModelConfig c = model.Model.Config;
        return string.Format(CultureInfo.InvariantCulture, "{0} ({1}), {2}, {3}{4}, {5:N0} parameters",
            c.Kind.ToString().ToLowerInvariant(), model.Task.Name, ModelText.Stack(c),
            ModelText.Input(c), ModelText.Options(c), model.Model.Blocks.Sum(b => b.Length));
    }

    /// <summary>"120 sequences, 1,532 timesteps (longest 31)".</summary>
    public static string Sequences(SequenceSet set) => $"{Count(set.Count, "sequence")}, {Count(set.Positions, "timestep")} (longest {set.MaxLength})";

    /// <summary>"1 sequence", "1,200 sequences".</summary>
    public static string Count(int count, string noun) => string.Format(CultureInfo.InvariantCulture, "{0:N0} {1}{2}", count, noun, count == 1 ? "" : "s");

    /// <summary>"inputs: a vocabulary of 1,234 words (lowercased); labels: 9 (O, B-city, ...)", or for numbers
    /// "inputs: 2 features per timestep; targets: 1 value per sequence".</summary>
    public static string Encoding(TaskEncoding e)
    {
        string inputs = e.Inputs is { } v
            ? string.Format(CultureInfo.InvariantCulture, "a vocabulary of {0:N0} {1} (with <unk>){2}", v.Count, v.Unit == TokenUnit.Words ? "words" : "characters", v.Lowercase ? ", lowercased" : "")
            : e.FeatureSize > 0 ? $"{e.FeatureSize} features per timestep" : $"token ids below {e.VocabularySize}";
        string targets = e.Labels is { } labels
            ? $"labels: {labels.Count} ({labels.Preview()})"
            : $"targets: {e.Outputs} value{(e.Outputs == 1 ? "" : "s")} per {(e.Target == TargetKind.StepValues ? "timestep" : "sequence")}";
        return $"inputs: {inputs}; {targets}";
    }
}
