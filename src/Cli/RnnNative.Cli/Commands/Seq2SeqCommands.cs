using System.Text;
using RnnNative.Cli.CommandLine;
using RnnNative.Sampling;
using RnnNative.Tasks;

namespace RnnNative.Cli.Commands;

/// <summary><c>rnn predict</c>, <c>eval</c> and <c>info</c> on a seq2seq model: targets for sources one per line, the scores on pairs,
/// and what the file holds.</summary>
internal static class Seq2SeqCommands
{
    /// <summary>Sources from --data (or stdin), one per line (a TSV line's first field), a target per line to --output (or stdout).</summary>
    public static int Predict(string modelPath, Arguments args, TextReader input, TextWriter output)
    {
        string? dataPath = args.String("data");
        string? outputPath = args.String("output");
        BeamOptions? beam = ReadBeam(args);
        int maxLength = args.Int("max-length", beam?.MaxLength ?? Seq2SeqTaskModel.DefaultMaxLength, min: 1);
        int batch = args.Int("batch", Seq2SeqTaskModel.DefaultBatchSize, min: 1);
        args.RejectUnused();
        if (beam is not null) beam = beam with { MaxLength = maxLength };
        if (outputPath is not null && dataPath is not null && string.Equals(Path.GetFullPath(outputPath), Path.GetFullPath(dataPath), StringComparison.Ordinal))
        {
            throw new UsageException($"--output '{outputPath}' is the --data file, which the targets would replace; name another --output");
        }

        Seq2SeqTaskModel model = ModelFiles.LoadSeq2Seq(modelPath).Model;
        string name = dataPath ?? "stdin";
        List<string> sources = dataPath is null ? ReadSources(input, name) : TaskFiles.Read(dataPath, () => ReadSources(dataPath, name));
        Translation[] targets = model.Translate(sources, beam, maxLength, batch);
        if (outputPath is null)
        {
            foreach (Translation target in targets) output.WriteLine(target.Text);
            return 0;
        }
        OutputFiles.Prepare(outputPath, "output");
        IO.AtomicFile.Write(outputPath, stream =>
        {
            using StreamWriter writer = new(stream, new UTF8Encoding(false), leaveOpen: true);
            foreach (Translation target in targets) writer.Write(target.Text + "\n");
        });
        output.WriteLine($"wrote the targets of {TaskText.Count(sources.Count, "source")} of '{name}' to '{outputPath}'");
        return 0;
    }

    /// <summary>The loss, exact match and token accuracy on a TSV file of pairs, greedy or with --beam K.</summary>
    public static int Eval(string modelPath, string dataPath, Arguments args, TextWriter output)
    {
        BeamOptions? beam = ReadBeam(args);
        int batch = args.Int("batch", Seq2SeqTaskModel.DefaultBatchSize, min: 1);
        args.RejectUnused();
        Seq2SeqTaskModel model = ModelFiles.LoadSeq2Seq(modelPath).Model;
        Seq2SeqData data = TaskFiles.Read(dataPath, () => Seq2SeqData.Read(dataPath, model.Encoding));
        output.WriteLine($"{dataPath}: {Seq2SeqText.Pairs(data.Set)}; decoding {(beam is null ? "greedy" : $"with a beam of {beam.Width}")}");
        output.WriteLine(model.Evaluate(data, beam, batch).ToString());
        return 0;
    }

    /// <summary>The model, both vocabularies and the training state of a seq2seq file.</summary>
    public static void Info(string modelPath, bool curve, TextWriter output)
    {
        LoadedSeq2SeqTaskModel loaded = ModelFiles.LoadSeq2Seq(modelPath);
        output.WriteLine($"model: {Seq2SeqText.Model(loaded.Model.Model)}");
        output.WriteLine(Seq2SeqText.Encoding(loaded.Model.Encoding));
        InfoCommand.WriteTraining(loaded.Training, loaded.Options, curve ? "loss in nats per target token" : null, output);
    }

    /// <summary>--beam K: a beam search of width K; none: greedy decoding.</summary>
    private static BeamOptions? ReadBeam(Arguments args) => args.Has("beam") ? new BeamOptions { Width = args.Int("beam", 0, min: 1) } : null;

    private static List<string> ReadSources(string path, string name)
    {
        using StreamReader reader = new(path, new UTF8Encoding(false));
        return ReadSources(reader, name);
    }

    /// <summary>One source per line, a TSV line's first field (so a pair file predicts too); an empty line is an error naming it.</summary>
    private static List<string> ReadSources(TextReader reader, string name)
    {
        List<string> sources = [];
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            int tab = line.IndexOf('\t');
            string source = tab < 0 ? line : line[..tab];
            if (string.IsNullOrWhiteSpace(source)) throw new CliException($"{name}:{sources.Count + 1}: an empty source; give one source per line");
            sources.Add(source);
        }
        return sources.Count > 0 ? sources : throw new CliException($"{name}: no source to translate");
    }
}
