using RnnNative.Runs;

namespace RnnNative.Training;

/// <summary>
/// Where a <see cref="TrainingLoop"/> saves checkpoints by itself (the policy of <see cref="CheckpointFiles"/>)
/// and how: <see cref="Write"/> writes a resumable file of the task's model (weights, vocabularies, options)
/// holding the snapshot it is given, atomically. The loop knows no model file; the task's front door does.
/// </summary>
public sealed class CheckpointSaver
{
    /// <summary>Checkpoints at <paramref name="path"/> and its best file (<see cref="CheckpointFiles.BestPathFor"/>), written by <paramref name="write"/>(path, snapshot).</summary>
    public CheckpointSaver(string path, Action<string, TrainingSnapshot> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        Path = path;
        BestPath = CheckpointFiles.BestPathFor(path);
        Write = write;
    }

    /// <summary>The resumable checkpoint of the latest state.</summary>
    public string Path { get; }

    /// <summary>The checkpoint of the best validation loss so far.</summary>
    public string BestPath { get; }

    /// <summary>Writes a resumable file at the path it is given, holding the snapshot it is given.</summary>
    public Action<string, TrainingSnapshot> Write { get; }
}
