using System.Globalization;
using RnnNative.Cli.CommandLine;
using RnnNative.Data;
using RnnNative.Text;

namespace RnnNative.Cli.Commands;

/// <summary>Text files read by <c>rnn train</c> and <c>rnn eval</c>: failures name the file, the line and what to do.</summary>
internal static class DataFiles
{
    /// <summary>Encodes <paramref name="path"/> with the vocabulary of <paramref name="modelPath"/> (null: of the new model).</summary>
    public static TokenSequence Encode(string path, Vocabulary vocabulary, string? modelPath)
    {
        try
        {
            return CorpusEncoder.EncodeFile(path, vocabulary);
        }
        catch (CharacterNotInVocabularyException e)
        {
            throw new CliException(string.Format(CultureInfo.InvariantCulture,
                "'{0}' line {1}, column {2}: character {3} is not in the vocabulary of '{4}'; use text of its characters, or train a model with --vocab-size N (unseen characters become <unk>) or --vocab byte",
                path, e.Line, e.Column, e.CharacterText, modelPath));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>Opens a text to build a new vocabulary from, refusing a binary file unless the vocabulary reads bytes.</summary>
    public static Stream OpenText(string path, VocabularyKind kind)
    {
        try
        {
            if (kind != VocabularyKind.Byte && TextSniffer.FindBinary(path) is { } binary)
            {
                throw new CliException($"'{path}' does not look like UTF-8 text ({binary}); train on it with --vocab byte, which reads any bytes");
            }
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>Fails unless a new vocabulary of <paramref name="path"/> has the two tokens a model needs.</summary>
    public static void RequireTwoTokens(string path, Vocabulary vocabulary)
    {
        if (vocabulary.Count >= 2) return;
        throw new CliException(new FileInfo(path).Length == 0
            ? $"'{path}' is empty: there is nothing to train on"
            : $"'{path}' holds a single distinct character, which a model cannot learn anything from; train on a text with at least two");
    }

    /// <summary>Fails unless <paramref name="data"/>'s training part fills one window of --batch streams of --seq-length steps.</summary>
    public static void RequireOneWindow(string source, CorpusSplit data, int batch, int steps)
    {
        long needed = StreamBatcher.MinimumTokens(batch, steps);
        if (data.Train.Length >= needed) return;
        throw new CliException(string.Format(CultureInfo.InvariantCulture,
            "{0} has {1:N0} tokens to train on ({2:N0} more are held out for validation); --batch {3} streams of --seq-length {4} need at least {5:N0}: use a longer text or a smaller --batch or --seq-length",
            source, data.Train.Length, data.Validation.Length, batch, steps, needed));
    }
}
