namespace RnnNative.Tests.Datasets;

/// <summary>A temporary folder for dataset files, deleted with everything in it on dispose.</summary>
internal sealed class TempFiles : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnn-datasets-").FullName;

    /// <summary>Writes <paramref name="text"/> (UTF-8) to a file named <paramref name="name"/> and returns its path.</summary>
    public string Write(string name, string text)
    {
        string path = PathOf(name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes <paramref name="bytes"/> to a file named <paramref name="name"/> and returns its path.</summary>
    public string Write(string name, byte[] bytes)
    {
        string path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The path of a file named <paramref name="name"/> in the folder.</summary>
    public string PathOf(string name) => Path.Combine(_folder, name);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
