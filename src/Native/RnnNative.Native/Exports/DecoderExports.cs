using System.Runtime.InteropServices;
using RnnNative.Model;
using RnnNative.Native.Interop;
using RnnNative.Tasks;

namespace RnnNative.Native.Exports;

/// <summary>
/// rnn_decoder (since 0.5.0): the engine's <see cref="IStepDecoder"/> of a seq2seq model for hosts that drive generation
/// themselves, started on a replica of the model (its own buffers) so decoders of one model may run on different threads.
/// </summary>
internal static unsafe class DecoderExports
{
    [UnmanagedCallersOnly(EntryPoint = "rnn_decoder_create")]
    public static Status Create(nint model, byte** sources, nuint count, nint* outDecoder)
    {
        if (outDecoder != null) *outDecoder = 0;
        return ExportGuard.Run(() =>
        {
            Seq2SeqTaskModel m = ModelHandle.Seq2Seq(model, "model", "rnn_decoder_create");
            string[] texts = Marshalling.Strings(sources, count, "sources");
            if (outDecoder == null) throw new ArgumentNullException("out_decoder");
            IStepDecoder? decoder = null;
            Configs.Validate(() => decoder = Seq2SeqExports.Replica(m).StartDecoding(m.EncodeSources(texts)), "sources");
            Marshalling.SetOut(outDecoder, HandleKind.Decoder, decoder!, "out_decoder");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_decoder_create_tokens")]
    public static Status CreateTokens(nint model, int* ids, nuint total, int* lengths, nuint count, nint* outDecoder)
    {
        if (outDecoder != null) *outDecoder = 0;
        return ExportGuard.Run(() =>
        {
            Seq2SeqTaskModel m = ModelHandle.Seq2Seq(model, "model", "rnn_decoder_create_tokens");
            int[][] sources = Marshalling.Sequences(ids, total, lengths, count, "ids", "total", "lengths");
            if (outDecoder == null) throw new ArgumentNullException("out_decoder");
            IStepDecoder? decoder = null;
            Configs.Validate(() => decoder = Seq2SeqExports.Replica(m).StartDecoding(sources), "ids");
            Marshalling.SetOut(outDecoder, HandleKind.Decoder, decoder!, "out_decoder");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_decoder_destroy")]
    public static void Destroy(nint decoder) => ExportGuard.Run(() => HandleTable.Remove(decoder, HandleKind.Decoder, "decoder"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_decoder_get_size")]
    public static Status GetSize(nint decoder, int* outRows, int* outVocab)
    {
        if (outRows != null) *outRows = 0;
        if (outVocab != null) *outVocab = 0;
        return ExportGuard.Run(() =>
        {
            IStepDecoder d = HandleTable.Get<IStepDecoder>(decoder, HandleKind.Decoder, "decoder");
            if (outRows != null) *outRows = d.Rows;
            if (outVocab != null) *outVocab = d.Vocabulary;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_decoder_sources")]
    public static Status Sources(nint decoder, int* sources, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            IStepDecoder d = HandleTable.Get<IStepDecoder>(decoder, HandleKind.Decoder, "decoder");
            return Marshalling.CopyOut(d.Sources, sources, capacity, needed, "sources");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_decoder_step")]
    public static Status Step(nint decoder, int* tokens, nuint count, float* logProbs, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            IStepDecoder d = HandleTable.Get<IStepDecoder>(decoder, HandleKind.Decoder, "decoder");
            // [rows, V] log-probabilities
            nuint floats = (nuint)d.Rows * (nuint)d.Vocabulary;
            if (needed != null) *needed = floats;
            ReadOnlySpan<int> input = Marshalling.Span(tokens, count, "tokens");
            if (floats > capacity)
            {
                return ExportGuard.Fail(Status.BufferTooSmall, $"log_probs holds {capacity} floats but {d.Rows} rows x {d.Vocabulary} tokens need {floats}.");
            }
            if (logProbs == null && floats > 0) throw new ArgumentNullException("log_probs");
            // The engine checks the tokens (one per row, each in the vocabulary) before it advances any row.
            d.Step(input, new Span<float>(logProbs, (int)floats));
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_decoder_reorder")]
    public static Status Reorder(nint decoder, int* parents, nuint count) => ExportGuard.Run(() =>
    {
        IStepDecoder d = HandleTable.Get<IStepDecoder>(decoder, HandleKind.Decoder, "decoder");
        ReadOnlySpan<int> rows = Marshalling.Span(parents, count, "parents");
        d.Reorder(rows);   // checks every parent before it moves a row
    });
}
