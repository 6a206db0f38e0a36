using System.Runtime.InteropServices;
using RnnNative.Native.Interop;
using RnnNative.Text;

namespace RnnNative.Native.Exports;

/// <summary>rnn_vocab: build from text, encode, decode.</summary>
internal static unsafe class VocabularyExports
{
    [UnmanagedCallersOnly(EntryPoint = "rnn_vocab_config_init_sized")]
    public static Status ConfigInit(VocabConfig* config, nuint structSize) =>
        ExportGuard.Run(() => StructSize.Init(config, structSize, Configs.VocabDefaults(), "config"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_vocab_build")]
    public static Status Build(VocabConfig* config, byte* text, nuint size, nint* outVocab)
    {
        if (outVocab != null) *outVocab = 0;
        return ExportGuard.Run(() =>
        {
            VocabConfig c = StructSize.Read(config, Configs.VocabDefaults(), "config");
            using UnmanagedMemoryStream stream = Marshalling.Stream(text, size, "text");
            Marshalling.SetOut(outVocab, HandleKind.Vocabulary, Build(c, stream), "out_vocab");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_vocab_build_file")]
    public static Status BuildFile(VocabConfig* config, byte* path, nint* outVocab)
    {
        if (outVocab != null) *outVocab = 0;
        return ExportGuard.Run(() =>
        {
            VocabConfig c = StructSize.Read(config, Configs.VocabDefaults(), "config");
            if (outVocab == null) throw new ArgumentNullException("out_vocab");
            using FileStream stream = File.OpenRead(Marshalling.String(path, "path"));
            Marshalling.SetOut(outVocab, HandleKind.Vocabulary, Build(c, stream), "out_vocab");
        });
    }

    private static Vocabulary Build(VocabConfig c, Stream text)
    {
        Vocabulary? vocabulary = null;
        Configs.Validate(() => vocabulary = Vocabulary.Build((VocabularyKind)c.Kind, text, c.MaxSize), "config", ("kind", "kind"), ("maxSize", "max_size"));
        return vocabulary!;
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_vocab_destroy")]
    public static void Destroy(nint vocab) => ExportGuard.Run(() => HandleTable.Remove(vocab, HandleKind.Vocabulary, "vocab"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_vocab_size")]
    public static Status Size(nint vocab, int* outSize) =>
        Marshalling.Get(vocab, HandleKind.Vocabulary, "vocab", outSize, "out_size", (Vocabulary v) => v.Count);

    [UnmanagedCallersOnly(EntryPoint = "rnn_vocab_get_kind")]
    public static Status Kind(nint vocab, int* outKind) =>
        Marshalling.Get(vocab, HandleKind.Vocabulary, "vocab", outKind, "out_kind", (Vocabulary v) => (int)v.Kind);

    [UnmanagedCallersOnly(EntryPoint = "rnn_vocab_encode")]
    public static Status Encode(nint vocab, byte* text, nuint size, int* ids, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            Vocabulary v = HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab");
            int[] encoded = v.Encode(Marshalling.Span(text, size, "text"));
            return Marshalling.CopyOut<int>(encoded, ids, capacity, needed, "ids");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_vocab_decode")]
    public static Status Decode(nint vocab, int* ids, nuint count, byte* buffer, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            Vocabulary v = HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab");
            return Marshalling.CopyOutText(v.DecodeBytes(Marshalling.Span(ids, count, "ids")), buffer, capacity, needed, "buf");
        });
    }
}
