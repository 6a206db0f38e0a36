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

    /// <summary>A file named as a save's temporary file, last written <paramref name="age"/> ago.</summary>
    private string Leftover(string name, TimeSpan age)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, new byte[1000]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return name;
    }

    [Fact]
    public void A_save_removes_stale_temporary_files_of_killed_saves_of_the_same_file_only()
    {
        TimeSpan old = AtomicFile.StaleAfter + TimeSpan.FromMinutes(5);
        string killed = Leftover($".model.rnn.{Guid.NewGuid():N}.tmp", old);
        string killedEarlier = Leftover($".model.rnn.{Guid.NewGuid():N}.tmp", TimeSpan.FromDays(3));
        string recent = Leftover($".model.rnn.{Guid.NewGuid():N}.tmp", TimeSpan.FromSeconds(5));        // a concurrent save about to rename
        string otherFile = Leftover($".other.rnn.{Guid.NewGuid():N}.tmp", old);
        string notOurs = Leftover(".model.rnn.backup.tmp", old);
        string upperCase = Leftover($".model.rnn.{Guid.NewGuid().ToString("N").ToUpperInvariant()}.tmp", old);
        string locked = Leftover($".model.rnn.{Guid.NewGuid():N}.tmp", old);
        using (new FileStream(Path.Combine(_directory, locked), FileMode.Open, FileAccess.ReadWrite, FileShare.None))   // a live save holds its file
        {
            CheckpointSamples.SmallWriter().WriteFileAtomically(Path.Combine(_directory, "model.rnn"));
        }
        Assert.DoesNotContain(killed, Files());
        Assert.DoesNotContain(killedEarlier, Files());
        Assert.Equal(new[] { recent, otherFile, notOurs, upperCase, locked, "model.rnn" }.Order(StringComparer.Ordinal), Files());
    }
}
