using RnnNative.IO;

namespace RnnNative.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-atomic-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string[] Files() => Directory.GetFileSystemEntries(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void Writes_the_checkpoint_and_leaves_only_the_target()
    {
        string path = Path.Combine(_directory, "model.rnnckpt");
        CheckpointSamples.SmallWriter().WriteFileAtomically(path);
        Assert.Equal(CheckpointSamples.Small(), File.ReadAllBytes(path));
        Assert.Equal(["model.rnnckpt"], Files());
    }

    [Fact]
    public void Replaces_an_existing_file()
    {
        string path = Path.Combine(_directory, "model.rnnckpt");
        File.WriteAllText(path, "old checkpoint, much longer than the new one " + new string('x', 1000));
        CheckpointSamples.SmallWriter().WriteFileAtomically(path);
        Assert.Equal(CheckpointSamples.Small(), File.ReadAllBytes(path));
        Assert.Equal(["model.rnnckpt"], Files());
    }

    [Fact]
    public void A_write_failing_midway_leaves_the_old_file_intact_and_no_temporary_file()
    {
        string path = Path.Combine(_directory, "model.rnnckpt");
        byte[] old = CheckpointSamples.Small();
        File.WriteAllBytes(path, old);
        byte[] replacement = new CheckpointWriter().AddTensor("w", [4096], new float[4096]).ToArray();

        var failure = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(replacement, 0, replacement.Length / 2);
            stream.Flush();
            throw new IOException("disk full (simulated)");
        }));

        Assert.Equal("disk full (simulated)", failure.Message);
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal(["model.rnnckpt"], Files());
    }

    [Fact]
    public void A_failing_first_write_creates_nothing()
    {
        string path = Path.Combine(_directory, "model.rnnckpt");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.WriteByte(1);
            throw new InvalidOperationException("serializer bug (simulated)");
        }));
        Assert.Empty(Files());
    }

    [Fact]
    public void A_failing_rename_removes_the_complete_temporary_file()
    {
        // The target is a directory, so the content is written and flushed but File.Move fails.
        string path = Path.Combine(_directory, "model.rnnckpt");
        Directory.CreateDirectory(path);
        Assert.ThrowsAny<IOException>(() => CheckpointSamples.SmallWriter().WriteFileAtomically(path));
        Assert.Equal(["model.rnnckpt"], Files());
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public void A_missing_directory_is_an_error_and_creates_nothing()
    {
        string path = Path.Combine(_directory, "absent", "model.rnnckpt");
        Assert.Throws<DirectoryNotFoundException>(() => CheckpointSamples.SmallWriter().WriteFileAtomically(path));
        Assert.Empty(Files());
    }
}
