using System.Text.Json;
using RnnNative.Cells;
using RnnNative.IO;
using RnnNative.Reporting;
using RnnNative.Runs;

namespace RnnNative.Model;

/// <summary>
/// The JSON sections of a model file, written and read field by field with
/// <see cref="Utf8JsonWriter"/>/<see cref="JsonDocument"/> (no reflection, so AOT- and trim-safe).
/// Unknown fields are ignored, so later versions may add fields; missing or mistyped ones are errors.
/// </summary>
internal static class ModelJson
{
    /// <summary>model.json of a model of <paramref name="c"/>; <paramref name="int8"/>: of an int8 file ("weights": "int8", schema 5 or later).</summary>
    public static byte[] WriteConfig(LanguageModelConfig c, bool int8 = false) => Write(json =>
    {
        json.WriteString("format", ModelFile.FormatName);
        json.WriteNumber("schema", int8 ? Math.Max(ModelFile.SchemaFor(c), ModelFile.Int8Schema) : ModelFile.SchemaFor(c));
        if (int8) json.WriteString("weights", "int8");
        json.WriteNumber("vocabulary_size", c.VocabularySize);
        json.WriteNumber("embedding_size", c.EmbeddingSize);
        if (c.Input == InputEncoding.OneHot)
        {
            json.WriteString("input", "one_hot");
        }
        json.WriteString("cell", CellKind.Of(c.Cell).Name);
        json.WriteNumber("hidden_size", c.HiddenSize);
        json.WriteNumber("layers", c.Layers);
        json.WriteString("activation", c.Activation == Activation.Relu ? "relu" : "tanh");
        // Written when not the default, so files of models without them read as before.
        if (c.Dropout > 0) json.WriteNumber("dropout", c.Dropout);
        if (c.Initialization == RecurrentInitialization.Identity)
        {
            json.WriteString("initialization", "identity");
            json.WriteNumber("identity_scale", c.IdentityScale);
        }
        if (c.Softmax == SoftmaxKind.Class)
        {
            json.WriteString("softmax", "class");
            json.WriteNumber("classes", c.ClassCount);
        }
    });

    public static LanguageModelConfig ReadConfig(ReadOnlySpan<byte> utf8) => Read(utf8, "model.json", root =>
    {
        string format = String(root, "format");
        if (format == SequenceModelFile.FormatName)
        {
            throw new CheckpointFormatException($"the file is {SequenceModelJson.Phrase(SequenceModelJson.ReadKind(root))}, not a language model: it predicts, evaluates and trains as a task model, not samples text.");
        }
        if (format == Seq2SeqModelFile.FormatName)
        {
            throw new CheckpointFormatException(Seq2SeqModelJson.NotThisKind("a language model"));
        }
        if (format != ModelFile.FormatName)
        {
            throw new CheckpointFormatException($"model.json describes a '{format}', not an RnnNative language model.");
        }
        int schema = Int(root, "schema");
        if (schema > ModelFile.SchemaVersion)
        {
            throw new CheckpointFormatException($"the model was written with schema {schema}; this RnnNative reads up to {ModelFile.SchemaVersion}: update RnnNative.");
        }
        LanguageModelConfig config = new(
            Int(root, "vocabulary_size"),
            Int(root, "embedding_size"),
            Enum(root, "cell", [.. CellKind.All.Select(kind => (kind.Name, kind.Type))]),
            Int(root, "hidden_size"),
            Int(root, "layers"),
            Enum(root, "activation", ("tanh", Activation.Tanh), ("relu", Activation.Relu)),
            // Schema 1 had no "input": every model then had an embedding.
            root.TryGetProperty("input", out _) ? Enum(root, "input", ("embedding", InputEncoding.Embedding), ("one_hot", InputEncoding.OneHot)) : InputEncoding.Embedding)
        {
            // Absent before 0.3.0: no dropout, PyTorch's initialization.
            Dropout = root.TryGetProperty("dropout", out _) ? Float(root, "dropout") : 0f,
            Initialization = root.TryGetProperty("initialization", out _) ? Enum(root, "initialization", ("default", RecurrentInitialization.Default), ("identity", RecurrentInitialization.Identity)) : RecurrentInitialization.Default,
            IdentityScale = root.TryGetProperty("identity_scale", out _) ? Float(root, "identity_scale") : 1f,
            // Absent before 0.5.0 (schema 4): the full softmax.
            Softmax = root.TryGetProperty("softmax", out _) ? Enum(root, "softmax", ("full", SoftmaxKind.Full), ("class", SoftmaxKind.Class)) : SoftmaxKind.Full,
            Classes = root.TryGetProperty("classes", out _) ? Int(root, "classes") : 0,
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException($"model.json holds an invalid configuration: {e.Message}");
        }
        return config;
    });

    /// <summary>True when model.json says the file's weights are int8 ("weights": "int8"; absent: float32).</summary>
    public static bool ReadInt8(ReadOnlySpan<byte> utf8) => Read(utf8, "model.json", root =>
        root.TryGetProperty("weights", out _) && Enum(root, "weights", ("float32", false), ("int8", true)));

    public static byte[] WriteTraining(TrainingOptions o, TrainingSnapshot s) => Write(json =>
    {
        json.WriteNumber("sequence_length", o.SequenceLength);
        json.WriteNumber("batch_size", o.BatchSize);
        json.WriteNumber("clip_norm", o.ClipNorm);
        json.WriteNumber("clip_value", o.ClipValue);
        json.WriteNumber("max_steps", o.MaxUpdates);
        json.WriteNumber("max_seconds", o.MaxSeconds);
        json.WriteNumber("epochs", o.Epochs);
        json.WriteNumber("evaluate_every", o.EvaluateEvery);
        json.WriteNumber("validation_windows", o.ValidationWindows);
        OptimizerConfig p = o.Optimizer;
        json.WriteString("optimizer", p.Kind.ToString().ToLowerInvariant());
        json.WriteNumber("learning_rate", p.LearningRate);
        json.WriteNumber("momentum", p.Momentum);
        json.WriteBoolean("nesterov", p.Nesterov);
        json.WriteNumber("beta1", p.Beta1);
        json.WriteNumber("beta2", p.Beta2);
        json.WriteNumber("alpha", p.Alpha);
        json.WriteNumber("epsilon", p.EffectiveEpsilon);
        json.WriteNumber("weight_decay", p.WeightDecay);
        json.WriteBoolean("decoupled_weight_decay", p.DecoupledWeightDecay);
        LearningRateSchedule r = o.Schedule;
        json.WriteString("schedule", r.Kind.ToString().ToLowerInvariant());
        json.WriteNumber("schedule_step_size", r.StepSize);
        json.WriteNumber("schedule_gamma", r.Gamma);
        json.WriteNumber("schedule_total_steps", r.TotalUpdates);
        json.WriteNumber("schedule_minimum_rate", r.MinimumRate);
        json.WriteNumber("step", s.Update);
        json.WriteNumber("seed", s.Seed);
        json.WriteNumber("epoch", s.Epoch);
        json.WriteNumber("window", s.Window);
        json.WriteNumber("tokens_seen", s.TokensSeen);
        json.WriteNumber("elapsed_seconds", s.ElapsedSeconds);
        // JSON has no infinity: "no validation yet" is written as null.
        if (double.IsFinite(s.BestValidationLoss)) json.WriteNumber("best_validation_loss", s.BestValidationLoss); else json.WriteNull("best_validation_loss");
        WriteCurve(json, "training_curve", s.TrainingCurve);
        WriteCurve(json, "validation_curve", s.ValidationCurve);
        if (s.Data is not null) WriteData(json, s.Data);
    });

    public static (TrainingOptions Options, TrainingSnapshot Scalars) ReadTraining(ReadOnlySpan<byte> utf8) => Read(utf8, "training.json", root =>
    {
        // The run's dropout seed, its options' and its state's; absent before 0.3.0, when no run dropped units.
        ulong seed = root.TryGetProperty("seed", out JsonElement seedElement) ? seedElement.GetUInt64() : 0;
        TrainingOptions options = new(
            Int(root, "sequence_length"), Int(root, "batch_size"), Float(root, "clip_norm"), Float(root, "clip_value"),
            Long(root, "max_steps"), Double(root, "max_seconds"), Int(root, "epochs"), Int(root, "evaluate_every"), Int(root, "validation_windows"))
        {
            Optimizer = new OptimizerConfig(
                Enum(root, "optimizer", ("sgd", OptimizerKind.Sgd), ("adagrad", OptimizerKind.Adagrad), ("rmsprop", OptimizerKind.Rmsprop), ("adam", OptimizerKind.Adam)),
                Float(root, "learning_rate"), Float(root, "momentum"), Bool(root, "nesterov"), Float(root, "beta1"), Float(root, "beta2"), Float(root, "alpha"),
                Float(root, "epsilon"), Float(root, "weight_decay"), Bool(root, "decoupled_weight_decay")),
            Schedule = new LearningRateSchedule(
                Enum(root, "schedule", ("constant", ScheduleKind.Constant), ("stepdecay", ScheduleKind.StepDecay), ("cosine", ScheduleKind.Cosine)),
                Long(root, "schedule_step_size"), Float(root, "schedule_gamma"), Long(root, "schedule_total_steps"), Float(root, "schedule_minimum_rate")),
            Seed = seed,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException($"training.json holds invalid options: {e.Message}");
        }
        JsonElement best = Property(root, "best_validation_loss");
        TrainingSnapshot scalars = new()
        {
            Update = Long(root, "step"),
            Seed = seed,
            Epoch = Long(root, "epoch"),
            Window = Long(root, "window"),
            TokensSeen = Long(root, "tokens_seen"),
            ElapsedSeconds = Double(root, "elapsed_seconds"),
            BestValidationLoss = best.ValueKind == JsonValueKind.Null ? double.PositiveInfinity : Double(root, "best_validation_loss"),
            TrainingCurve = ReadCurve(root, "training_curve"),
            ValidationCurve = ReadCurve(root, "validation_curve"),
            // Files written before 0.2.0 do not record their data.
            Data = root.TryGetProperty("data", out JsonElement data) ? ReadData(data) : null,
        };
        return (options, scalars);
    });

    internal static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using MemoryStream stream = new();
        using (Utf8JsonWriter json = new(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    internal static T Read<T>(ReadOnlySpan<byte> utf8, string section, Func<JsonElement, T> body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(utf8.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException($"{section} is not a JSON object.");
            }
            return body(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{section} is not valid JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw new CheckpointFormatException($"{section} has a field of the wrong type: {e.Message}");
        }
        catch (FormatException e)
        {
            throw new CheckpointFormatException($"{section} has a number out of range: {e.Message}");
        }
    }

    /// <summary>The run's data (docs/checkpoint-format.md, "training.json: data"): where it came from and its fingerprint.</summary>
    private static void WriteData(Utf8JsonWriter json, TrainingData d)
    {
        json.WriteStartObject("data");
        json.WriteString("source", SourceNames.First(n => n.Source == d.Origin.Source).Name);
        if (d.Origin.Source == DataSource.File)
        {
            json.WriteString("path", d.Origin.Path);
            json.WriteNumber("bytes", d.Origin.FileBytes);
        }
        if (d.Origin.Source == DataSource.AdditionCorpus) json.WriteNumber("seed", d.Origin.Seed);
        if (double.IsFinite(d.ValidationFraction)) json.WriteNumber("validation_fraction", d.ValidationFraction);
        json.WriteNumber("train_tokens", d.TrainTokens);
        json.WriteNumber("validation_tokens", d.ValidationTokens);
        // A language model's stream has no sequences: its record reads as before 0.3.0.
        if (d.TrainSequences + d.ValidationSequences > 0)
        {
            json.WriteNumber("train_sequences", d.TrainSequences);
            json.WriteNumber("validation_sequences", d.ValidationSequences);
        }
        json.WriteNumber("crc32c", d.Checksum);
        json.WriteEndObject();
    }

    private static TrainingData ReadData(JsonElement data)
    {
        DataSource source = Enum(data, "source", SourceNames.Select(n => (n.Name, n.Source)).ToArray());
        DataOrigin origin = source switch
        {
            DataSource.File => new DataOrigin(source, String(data, "path"), Long(data, "bytes")),
            DataSource.AdditionCorpus => new DataOrigin(source, Seed: Property(data, "seed").GetUInt64()),
            _ => DataOrigin.Host,
        };
        double fraction = data.TryGetProperty("validation_fraction", out _) ? Double(data, "validation_fraction") : double.NaN;
        return new TrainingData(origin, fraction, Long(data, "train_tokens"), Long(data, "validation_tokens"), Property(data, "crc32c").GetUInt32())
        {
            TrainSequences = data.TryGetProperty("train_sequences", out _) ? Long(data, "train_sequences") : 0,
            ValidationSequences = data.TryGetProperty("validation_sequences", out _) ? Long(data, "validation_sequences") : 0,
        };
    }

    private static readonly (string Name, DataSource Source)[] SourceNames = [("host", DataSource.Host), ("file", DataSource.File), ("addition", DataSource.AdditionCorpus)];

    /// <summary>A curve as [[step, loss, seconds], ...]; a point without a known time is [step, loss].</summary>
    private static void WriteCurve(Utf8JsonWriter json, string name, CurvePoint[] curve)
    {
        json.WriteStartArray(name);
        foreach (CurvePoint point in curve)
        {
            json.WriteStartArray();
            json.WriteNumberValue(point.Update);
            json.WriteNumberValue(point.Loss);
            if (double.IsFinite(point.Seconds)) json.WriteNumberValue(point.Seconds);
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }

    /// <summary>Reads <see cref="WriteCurve"/>'s points, and the [step, loss] points of files written before times were recorded.</summary>
    private static CurvePoint[] ReadCurve(JsonElement root, string name) =>
        Property(root, name).EnumerateArray().Select(point => point.GetArrayLength() switch
        {
            2 => new CurvePoint(point[0].GetInt64(), point[1].GetDouble(), double.NaN),
            3 => new CurvePoint(point[0].GetInt64(), point[1].GetDouble(), point[2].GetDouble()),
            int length => throw new CheckpointFormatException($"a point of '{name}' has {length} numbers; expected [step, loss] or [step, loss, seconds]."),
        }).ToArray();

    internal static JsonElement Property(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) ? value : throw new CheckpointFormatException($"the field '{name}' is missing.");

    internal static string String(JsonElement root, string name) => Property(root, name).GetString() ?? throw new CheckpointFormatException($"the field '{name}' is null.");

    internal static int Int(JsonElement root, string name) => Property(root, name).GetInt32();

    internal static long Long(JsonElement root, string name) => Property(root, name).GetInt64();

    internal static double Double(JsonElement root, string name) => Property(root, name).GetDouble();

    internal static float Float(JsonElement root, string name) => Property(root, name).GetSingle();

    internal static bool Bool(JsonElement root, string name) => Property(root, name).GetBoolean();

    internal static T Enum<T>(JsonElement root, string name, params (string Text, T Value)[] choices)
    {
        string text = String(root, name);
        foreach ((string choice, T value) in choices)
        {
            if (choice == text) return value;
        }
        throw new CheckpointFormatException($"the field '{name}' is '{text}'; expected one of {string.Join(", ", choices.Select(c => c.Text))}.");
    }
}
