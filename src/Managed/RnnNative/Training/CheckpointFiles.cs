using RnnNative.Text;

namespace RnnNative.Training;

/// <summary>
/// The checkpoint policy of every front door (CLI --checkpoint, rnn_trainer_set_checkpoint, Python's
/// checkpoint=), set on a <see cref="Trainer"/>: a resumable checkpoint at <see cref="Path"/> after every
/// validation and whenever a train call returns (limit reached, cancelled or its update budget spent),
/// and one at <see cref="BestPath"/> whenever a validation sets a new best loss (model.best.rnn next to
/// model.rnn, also resumable). A diverged update writes nothing, so the last files stay good.
/// </summary>
public sealed class CheckpointFiles
{
    /// <summary>Checkpoints at <paramref name="path"/> and its best file, saved with <paramref name="vocabulary"/>.</summary>
    public CheckpointFiles(string path, Vocabulary vocabulary)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(vocabulary);
        Path = path;
        BestPath = BestPathFor(path);
        Vocabulary = vocabulary;
    }

    /// <summary>The resumable checkpoint of the latest state.</summary>
    public string Path { get; }

    /// <summary>The checkpoint of the best validation loss so far.</summary>
    public string BestPath { get; }

    /// <summary>The vocabulary saved with the weights.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>"model.best.rnn" for "model.rnn".</summary>
    public static string BestPathFor(string path) =>
        System.IO.Path.ChangeExtension(path, null) + ".best" + System.IO.Path.GetExtension(path);
}
