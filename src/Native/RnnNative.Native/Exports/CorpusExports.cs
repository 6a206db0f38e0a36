using System.Runtime.InteropServices;
using RnnNative.Data;
using RnnNative.Native.Interop;
using RnnNative.Text;

namespace RnnNative.Native.Exports;

/// <summary>rnn_corpus: token ids to train or evaluate on, from text, a file or an id array.</summary>
internal static unsafe class CorpusExports
{
    [UnmanagedCallersOnly(EntryPoint = "rnn_corpus_from_text")]
    public static Status FromText(nint vocab, byte* text, nuint size, nint* outCorpus)
    {
        if (outCorpus != null) *outCorpus = 0;
        return ExportGuard.Run(() =>
        {
            Vocabulary v = HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab");
            if (outCorpus == null) throw new ArgumentNullException("out_corpus");
            using UnmanagedMemoryStream stream = Marshalling.Stream(text, size, "text");
            Marshalling.SetOut(outCorpus, HandleKind.Corpus, CorpusEncoder.EncodeToMemory(stream, v), "out_corpus");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_corpus_from_file")]
    public static Status FromFile(nint vocab, byte* path, nint* outCorpus)
    {
        if (outCorpus != null) *outCorpus = 0;
        return ExportGuard.Run(() =>
        {
            Vocabulary v = HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab");
            if (outCorpus == null) throw new ArgumentNullException("out_corpus");
            Marshalling.SetOut(outCorpus, HandleKind.Corpus, CorpusEncoder.EncodeFile(Marshalling.String(path, "path"), v), "out_corpus");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_corpus_from_tokens")]
    public static Status FromTokens(int* ids, nuint count, int vocabSize, nint* outCorpus)
    {
        if (outCorpus != null) *outCorpus = 0;
        return ExportGuard.Run(() =>
        {
            if (outCorpus == null) throw new ArgumentNullException("out_corpus");
            if (vocabSize < 1) throw new ArgumentOutOfRangeException("vocab_size", vocabSize, "must be >= 1");
            Marshalling.SetOut(outCorpus, HandleKind.Corpus, TokenSequence.FromIds(Marshalling.Span(ids, count, "ids"), vocabSize), "out_corpus");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_corpus_size")]
    public static Status Size(nint corpus, long* outTokens) =>
        Marshalling.Get(corpus, HandleKind.Corpus, "corpus", outTokens, "out_tokens", (TokenSequence c) => c.Length);

    /// <summary>Drops the handle only: a trainer made from the corpus keeps reading it, and a mapped
    /// token file is unmapped when neither uses it any more.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_corpus_destroy")]
    public static void Destroy(nint corpus) => ExportGuard.Run(() => HandleTable.Remove(corpus, HandleKind.Corpus, "corpus"));
}
