namespace RnnNative.Runs;

/// <summary>Where a training corpus came from, as far as the host says (see <see cref="DataOrigin"/>).</summary>
public enum DataSource
{
    /// <summary>Tokens the host built itself (the C and Python corpus handles, .NET code): nothing to find again.</summary>
    Host = 0,

    /// <summary>A text file, by full path and size: a resume without a data argument reads it again.</summary>
    File = 1,

    /// <summary>The built-in addition corpus, made again from its seed (<see cref="Corpora.AdditionCorpus"/>).</summary>
    AdditionCorpus = 2,
}

/// <summary>
/// Where a run's corpus came from, recorded with its <see cref="TrainingData"/> so that a resume can
/// find the same data again (a CLI run without <c>--data</c>) and can name it when it differs.
/// </summary>
/// <param name="Source">What kind of origin.</param>
/// <param name="Path">The file's full path (<see cref="DataSource.File"/> only).</param>
/// <param name="FileBytes">The file's size in bytes when it was read (<see cref="DataSource.File"/> only).</param>
/// <param name="Seed">The generator's seed (<see cref="DataSource.AdditionCorpus"/> only).</param>
public sealed record DataOrigin(DataSource Source, string? Path = null, long FileBytes = 0, ulong Seed = 0)
{
    /// <summary>Tokens the host made; the default of a <see cref="Training.Trainer"/>.</summary>
    public static DataOrigin Host { get; } = new(DataSource.Host);

    /// <summary>The text file at <paramref name="path"/> as it is now (full path and size).</summary>
    public static DataOrigin File(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new(DataSource.File, System.IO.Path.GetFullPath(path), new FileInfo(path).Length);
    }

    /// <summary>The built-in addition corpus made with <paramref name="seed"/>.</summary>
    public static DataOrigin Addition(ulong seed) => new(DataSource.AdditionCorpus, Seed: seed);

    /// <summary>"'/data/input.txt' (1,115,394 bytes)", "the built-in addition corpus (seed 1)" or "the host's corpus".</summary>
    public override string ToString() => Source switch
    {
        DataSource.File => $"'{Path}' ({FileBytes:N0} bytes)",
        DataSource.AdditionCorpus => $"the built-in addition corpus (seed {Seed})",
        _ => "the host's corpus",
    };
}
