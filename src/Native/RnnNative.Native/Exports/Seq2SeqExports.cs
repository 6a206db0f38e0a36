using System.Runtime.InteropServices;
using System.Text;
using RnnNative.Native.Interop;
using RnnNative.Sampling;
using RnnNative.Tasks;

namespace RnnNative.Native.Exports;

/// <summary>
/// Seq2seq models (since 0.5.0): pairs from memory, batch decoding into the caller's buffers, evaluation with a chosen
/// search, and the two vocabularies' text. Decoding and evaluation run on a replica (its own buffers), so they may
/// overlap on one model.
/// </summary>
internal static unsafe class Seq2SeqExports
{
    [UnmanagedCallersOnly(EntryPoint = "rnn_decode_config_init_sized")]
    public static Status ConfigInit(DecodeConfig* config, nuint structSize) =>
        ExportGuard.Run(() => StructSize.Init(config, structSize, Seq2SeqConfigs.DecodeDefaults(), "config"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_from_pairs")]
    public static Status DatasetFromPairs(byte** sources, byte** targets, nuint count, DatasetConfig* config, nint model, nint* outDataset)
    {
        if (outDataset != null) *outDataset = 0;
        return ExportGuard.Run(() =>
        {
            Seq2SeqTaskModel? m = model == 0 ? null : ModelHandle.Seq2Seq(model, "model", "rnn_dataset_from_pairs");
            TaskDataOptions options = TaskConfigs.ToEngine(m is not null || config == null ? TaskConfigs.DatasetDefaults() : StructSize.Read(config, TaskConfigs.DatasetDefaults(), "config"));
            string[] s = Marshalling.Strings(sources, count, "sources"), t = Marshalling.Strings(targets, count, "targets");
            if (outDataset == null) throw new ArgumentNullException("out_dataset");
            Seq2SeqData data = Seq2SeqData.FromPairs(s.Zip(t), m?.Encoding, options, "pairs");
            Marshalling.SetOut(outDataset, HandleKind.Dataset, new PairDatasetSession(data), "out_dataset");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_from_token_pairs")]
    public static Status DatasetFromTokenPairs(int* sourceIds, nuint sourceTotal, int* sourceLengths, int* targetIds, nuint targetTotal, int* targetLengths, nuint count,
        int sourceVocabSize, int targetVocabSize, nint model, nint* outDataset)
    {
        if (outDataset != null) *outDataset = 0;
        return ExportGuard.Run(() =>
        {
            Seq2SeqTaskModel? m = model == 0 ? null : ModelHandle.Seq2Seq(model, "model", "rnn_dataset_from_token_pairs");
            int[][] sources = Marshalling.Sequences(sourceIds, sourceTotal, sourceLengths, count, "source_ids", "source_total", "source_lengths");
            int[][] targets = Marshalling.Sequences(targetIds, targetTotal, targetLengths, count, "target_ids", "target_total", "target_lengths");
            if (outDataset == null) throw new ArgumentNullException("out_dataset");
            Seq2SeqEncoding encoding = m?.Encoding ?? Ids(sourceVocabSize, targetVocabSize);
            if (m is not null) Expect(sourceVocabSize, encoding.Source.Count, "source_vocab_size", targetVocabSize, encoding.Target.Count, "target_vocab_size");
            Seq2SeqData? data = null;
            Configs.Validate(() => data = Seq2SeqData.FromTokens(sources, targets, encoding, "token pairs"), "ids",
                ("sources", "source_ids"), ("targets", "target_ids"), ("sourceTokens", "source_ids"), ("targetTokens", "target_ids"), ("tokens", "ids"));
            Marshalling.SetOut(outDataset, HandleKind.Dataset, new PairDatasetSession(data!), "out_dataset");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_translate")]
    public static Status Translate(nint model, byte** sources, nuint count, DecodeConfig* config, DecodeResult* result) => ExportGuard.Run(() =>
    {
        Seq2SeqTaskModel m = ModelHandle.Seq2Seq(model, "model", "rnn_model_translate");
        string[] texts = Marshalling.Strings(sources, count, "sources");
        (BeamOptions? beam, int maxLength, int batchSize) = Seq2SeqConfigs.ToEngine(config);
        DecodeResult* r = Seq2SeqConfigs.Result(result);
        Translation[] translations = null!;
        Configs.Validate(() => translations = Replica(m).Translate(texts, beam, maxLength, batchSize), "sources");
        return Seq2SeqConfigs.Write(translations, r);
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_translate_tokens")]
    public static Status TranslateTokens(nint model, int* ids, nuint total, int* lengths, nuint count, DecodeConfig* config, DecodeResult* result) => ExportGuard.Run(() =>
    {
        Seq2SeqTaskModel m = ModelHandle.Seq2Seq(model, "model", "rnn_model_translate_tokens");
        int[][] sources = Marshalling.Sequences(ids, total, lengths, count, "ids", "total", "lengths");
        (BeamOptions? beam, int maxLength, int batchSize) = Seq2SeqConfigs.ToEngine(config);
        DecodeResult* r = Seq2SeqConfigs.Result(result);
        Translation[] translations = null!;
        Configs.Validate(() => translations = Replica(m).Translate(sources, beam, maxLength, batchSize), "ids");
        return Seq2SeqConfigs.Write(translations, r);
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_evaluate_decoding")]
    public static Status EvaluateDecoding(nint model, nint dataset, DecodeConfig* config, TaskMetrics* outMetrics) => ExportGuard.Run(() =>
    {
        Seq2SeqTaskModel m = ModelHandle.Seq2Seq(model, "model", "rnn_model_evaluate_decoding");
        Seq2SeqData pairs = DatasetHandle.Pairs(dataset, "dataset").For(m, "dataset");
        (BeamOptions? beam, _, int batchSize) = Seq2SeqConfigs.ToEngine(config);
        if (outMetrics == null) throw new ArgumentNullException("out_metrics");
        StructSize.Write(outMetrics, Seq2SeqConfigs.Evaluate(Replica(m), pairs, beam, batchSize), "out_metrics");
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_encode_source")]
    public static Status EncodeSource(nint model, byte* text, nuint size, int* ids, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            Seq2SeqTaskModel m = ModelHandle.Seq2Seq(model, "model", "rnn_model_encode_source");
            string source = Encoding.UTF8.GetString(Marshalling.Span(text, size, "text"));
            return Marshalling.CopyOut<int>(m.Encoding.Source.Encode(source), ids, capacity, needed, "ids");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_decode_target")]
    public static Status DecodeTarget(nint model, int* ids, nuint count, byte* buffer, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            Seq2SeqTaskModel m = ModelHandle.Seq2Seq(model, "model", "rnn_model_decode_target");
            int[] tokens = Marshalling.Span(ids, count, "ids").ToArray();
            string text = "";
            Configs.Validate(() => text = m.Encoding.Target.Decode(tokens), "ids");
            return Marshalling.CopyOutText(Encoding.UTF8.GetBytes(text), buffer, capacity, needed, "buf");
        });
    }

    /// <summary>Decoding computes on its own buffers, as evaluation of the other kinds does.</summary>
    internal static Seq2SeqTaskModel Replica(Seq2SeqTaskModel model) => new(model.Model.CreateInferenceReplica(), model.Encoding);

    /// <summary>Vocabularies of token ids from memory: id k's text is "k".</summary>
    private static Seq2SeqEncoding Ids(int sourceVocabSize, int targetVocabSize)
    {
        Seq2SeqEncoding? encoding = null;
        Configs.Validate(() => encoding = Seq2SeqEncoding.OfIds(sourceVocabSize, targetVocabSize), "vocab_size",
            ("sourceVocabularySize", "source_vocab_size"), ("targetVocabularySize", "target_vocab_size"));
        return encoding!;
    }

    /// <summary>With a model, the vocabulary sizes given must be 0 or the model's.</summary>
    private static void Expect(int sourceGiven, int source, string sourceName, int targetGiven, int target, string targetName)
    {
        if (sourceGiven != 0 && sourceGiven != source) throw new ArgumentOutOfRangeException(sourceName, sourceGiven, $"the model's source vocabulary has {source} ids (pass 0 or {source})");
        if (targetGiven != 0 && targetGiven != target) throw new ArgumentOutOfRangeException(targetName, targetGiven, $"the model's target vocabulary has {target} ids (pass 0 or {target})");
    }
}
