using System.Text;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Model;
using RnnNative.Sampling;
using RnnNative.Tasks;

namespace RnnNative.Native.Interop;

/// <summary>
/// rnn.h's seq2seq structs (since 0.5.0) to and from the engine's records: rnn_decode_config to a search
/// (<see cref="BeamOptions"/> or greedy), <see cref="Translation"/>s into the caller's rnn_decode_result, a dataset of pairs
/// as rnn_dataset_info, <see cref="Seq2SeqEvaluation"/> as rnn_task_metrics. Defaults and validation are the engine's.
/// </summary>
internal static unsafe class Seq2SeqConfigs
{
    public static DecodeConfig DecodeDefaults()
    {
        BeamOptions beam = new();
        return new DecodeConfig
        {
            StructSize = (uint)sizeof(DecodeConfig),
            BeamWidth = 0,
            MaxLength = beam.MaxLength,
            LengthPenalty = (float)beam.LengthPenalty,
            BatchSize = Seq2SeqTaskModel.DefaultBatchSize,
        };
    }

    /// <summary>The search of <paramref name="config"/> (NULL: the defaults): beam options, or null for greedy search.</summary>
    public static (BeamOptions? Beam, int MaxLength, int BatchSize) ToEngine(DecodeConfig* config)
    {
        DecodeConfig c = config == null ? DecodeDefaults() : StructSize.Read(config, DecodeDefaults(), "config");
        if (c.BeamWidth < 0) throw new ArgumentOutOfRangeException("config->beam_width", c.BeamWidth, "must be 0 (greedy search) or a beam width >= 1");
        if (c.BatchSize < 1) throw new ArgumentOutOfRangeException("config->batch_size", c.BatchSize, "must be at least 1 source");
        BeamOptions beam = new() { Width = Math.Max(c.BeamWidth, 1), MaxLength = c.MaxLength, LengthPenalty = c.LengthPenalty };
        Configs.Validate(beam.Validate, "config", ("Width", "beam_width"), ("MaxLength", "max_length"), ("LengthPenalty", "length_penalty"));
        return (c.BeamWidth == 0 ? null : beam, c.MaxLength, c.BatchSize);
    }

    /// <summary>
    /// Writes <paramref name="translations"/> into the caller's buffers: the needed sizes always, the texts and token ids only
    /// when every wanted buffer holds them (else <c>RNN_E_BUFFER_TOO_SMALL</c> and nothing else is written), and the
    /// per-source arrays the caller gave.
    /// </summary>
    public static Status Write(Translation[] translations, DecodeResult* result)
    {
        byte[][] texts = [.. translations.Select(t => Encoding.UTF8.GetBytes(t.Text))];
        nuint textBytes = 0, tokens = 0;
        for (int i = 0; i < translations.Length; i++)
        {
            textBytes += (nuint)texts[i].Length + 1;   // the text and its NUL
            tokens += (nuint)translations[i].Tokens.Length;
        }
        result->TextNeeded = textBytes;
        result->TokensNeeded = tokens;
        if (result->Text != null && textBytes > result->TextCapacity)
        {
            return ExportGuard.Fail(Status.BufferTooSmall, $"result->text holds {result->TextCapacity} bytes but the {translations.Length} texts and their NULs need {textBytes}.");
        }
        if (result->Tokens != null && tokens > result->TokensCapacity)
        {
            return ExportGuard.Fail(Status.BufferTooSmall, $"result->tokens holds {result->TokensCapacity} ids but the {translations.Length} results have {tokens}.");
        }
        byte* text = result->Text;
        int* ids = result->Tokens;
        for (int i = 0; i < translations.Length; i++)
        {
            Translation t = translations[i];
            if (text != null)
            {
                texts[i].CopyTo(new Span<byte>(text, texts[i].Length));
                text += texts[i].Length;
                *text++ = 0;
            }
            if (ids != null)
            {
                t.Tokens.CopyTo(new Span<int>(ids, t.Tokens.Length));
                ids += t.Tokens.Length;
            }
            if (result->Lengths != null) result->Lengths[i] = t.Tokens.Length;
            if (result->LogProbabilities != null) result->LogProbabilities[i] = t.LogProbability;
            if (result->Scores != null) result->Scores[i] = t.Score;
            if (result->Finished != null) result->Finished[i] = t.Finished ? 1 : 0;
        }
        return Status.Ok;
    }

    /// <summary>The caller's rnn_decode_result, which must hold at least the fields of 0.5.0.</summary>
    public static DecodeResult* Result(DecodeResult* result)
    {
        if (result == null) throw new ArgumentNullException("result");
        if (result->StructSize < sizeof(DecodeResult))
        {
            throw new ArgumentException($"result->struct_size is {result->StructSize}; set it to sizeof(rnn_decode_result) ({sizeof(DecodeResult)}).", "result");
        }
        result->TextNeeded = 0;
        result->TokensNeeded = 0;
        return result;
    }

    /// <summary>Creates a seq2seq model for <paramref name="training"/>, with the engine's option names renamed to the C fields.</summary>
    public static Seq2SeqTaskModel CreateModel(Seq2SeqData training, TaskModelOptions options)
    {
        Seq2SeqTaskModel? model = null;
        Configs.Validate(() => model = Seq2SeqTaskModel.Create(training, options), "config", TaskConfigs.OptionFields);
        return model!;
    }

    /// <summary>The encoder's resolved shape as rnn_task_model_config (pooling: last, seed 0).</summary>
    public static TaskModelConfig FromEngine(Seq2SeqConfig c) =>
        TaskConfigs.Shape(c.Cell, c.HiddenSize, c.Layers, c.EmbeddingSize, c.Bidirectional, c.Activation, c.Dropout, c.Initialization, c.IdentityScale);

    /// <summary>Scores of <paramref name="model"/> decoding <paramref name="pairs"/> (greedily when <paramref name="beam"/> is null).</summary>
    public static TaskMetrics Evaluate(Seq2SeqTaskModel model, Seq2SeqData pairs, BeamOptions? beam, int batchSize)
    {
        Seq2SeqEvaluation e = model.Evaluate(pairs, beam, batchSize);
        return new TaskMetrics
        {
            StructSize = (uint)sizeof(TaskMetrics),
            Kind = (int)ModelKind.Seq2Seq,
            Loss = e.Loss,
            TokenAccuracy = e.TokenAccuracy,
            Precision = double.NaN,
            Recall = double.NaN,
            F1 = double.NaN,
            Accuracy = double.NaN,
            MacroF1 = double.NaN,
            Mse = double.NaN,
            Mae = double.NaN,
            Sequences = e.Count,
            ExactMatch = e.ExactMatch,
        };
    }

    /// <summary>A dataset of pairs as rnn_dataset_info describes it (rnn.h, "Sequence to sequence").</summary>
    public static DatasetInfo Info(Seq2SeqData data)
    {
        PairSet set = data.Set;
        return new DatasetInfo
        {
            StructSize = (uint)sizeof(DatasetInfo),
            Kind = (int)ModelKind.Seq2Seq,
            Target = (int)TargetKind.StepClasses,
            HasTargets = 1,
            Sequences = set.Count,
            Timesteps = set.SourceTokens.Length,
            MaxLength = set.MaxSourceLength,
            VocabSize = data.Encoding.Source.Count,
            Outputs = data.Encoding.Target.Count,
        };
    }

    /// <summary>The tokens of every source, [N].</summary>
    public static int[] SourceLengths(PairSet set) => [.. Enumerable.Range(0, set.Count).Select(set.SourceLength)];
}
