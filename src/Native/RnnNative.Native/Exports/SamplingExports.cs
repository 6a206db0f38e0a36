using System.Runtime.InteropServices;
using System.Text;
using RnnNative.Model;
using RnnNative.Native.Interop;
using RnnNative.Randomness;
using RnnNative.Sampling;
using RnnNative.Text;

namespace RnnNative.Native.Exports;

/// <summary>rnn_sampler (a token from logits), rnn_generator (text from a model) and, since 0.6.0, rnn_model_sample_many (many streams batched).</summary>
internal static unsafe class SamplingExports
{
    [UnmanagedCallersOnly(EntryPoint = "rnn_sampling_config_init_sized")]
    public static Status ConfigInit(SamplingConfig* config, nuint structSize) =>
        ExportGuard.Run(() => StructSize.Init(config, structSize, Configs.SamplingDefaults(), "config"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_sampler_create")]
    public static Status SamplerCreate(int vocabSize, SamplingConfig* config, nint* outSampler)
    {
        if (outSampler != null) *outSampler = 0;
        return ExportGuard.Run(() =>
        {
            SamplingConfig c = StructSize.Read(config, Configs.SamplingDefaults(), "config");
            if (outSampler == null) throw new ArgumentNullException("out_sampler");
            if (vocabSize < 1) throw new ArgumentOutOfRangeException("vocab_size", vocabSize, "must be >= 1");
            TokenSampler sampler = new(vocabSize, Configs.ToEngine(c));
            Marshalling.SetOut(outSampler, HandleKind.Sampler, new SamplerSession(sampler, new SeededRandom(c.Seed)), "out_sampler");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_sampler_destroy")]
    public static void SamplerDestroy(nint sampler) => ExportGuard.Run(() => HandleTable.Remove(sampler, HandleKind.Sampler, "sampler"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_sampler_sample")]
    public static Status SamplerSample(nint sampler, float* logits, nuint count, int* outToken)
    {
        if (outToken != null) *outToken = -1;
        return ExportGuard.Run(() =>
        {
            SamplerSession s = HandleTable.Get<SamplerSession>(sampler, HandleKind.Sampler, "sampler");
            if (outToken == null) throw new ArgumentNullException("out_token");
            *outToken = s.Sampler.Next(Marshalling.Span(logits, count, "logits"), s.Random);
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_generator_create")]
    public static Status GeneratorCreate(nint model, nint vocab, SamplingConfig* config, nint* outGenerator)
    {
        if (outGenerator != null) *outGenerator = 0;
        return ExportGuard.Run(() =>
        {
            LanguageModel m = ModelHandle.Language(model, "model", "rnn_generator_create");
            Vocabulary v = HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab");
            SamplingConfig c = StructSize.Read(config, Configs.SamplingDefaults(), "config");
            if (outGenerator == null) throw new ArgumentNullException("out_generator");
            if (c.MaxTokens < 0) throw new ArgumentOutOfRangeException("config->max_tokens", c.MaxTokens, "must be >= 0");
            string stop = Marshalling.String(c.Stop, "config->stop", nullAsEmpty: true);
            TextGenerator generator = new(m.CreateInferenceReplica(), v, Configs.ToEngine(c));
            Marshalling.SetOut(outGenerator, HandleKind.Generator, new GeneratorSession(generator, c.MaxTokens, c.Seed, stop.Length == 0 ? [] : [stop]), "out_generator");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_generator_destroy")]
    public static void GeneratorDestroy(nint generator) => ExportGuard.Run(() => HandleTable.Remove(generator, HandleKind.Generator, "generator"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_generator_generate")]
    public static Status Generate(nint generator, byte* prime, byte* buffer, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            GeneratorSession g = HandleTable.Get<GeneratorSession>(generator, HandleKind.Generator, "generator");
            string text = g.Generator.Generate([Marshalling.String(prime, "prime", nullAsEmpty: true)], g.MaxTokens, g.Seed, g.Stops)[0];
            return Marshalling.CopyOutText(Encoding.UTF8.GetBytes(text), buffer, capacity, needed, "buf");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_generator_stream")]
    public static Status Stream(nint generator, byte* prime, delegate* unmanaged<byte*, nuint, void*, int> onText, void* userData) => ExportGuard.Run(() =>
    {
        GeneratorSession g = HandleTable.Get<GeneratorSession>(generator, HandleKind.Generator, "generator");
        if (onText == null) throw new ArgumentNullException("on_text");
        foreach (string piece in g.Generator.Stream(Marshalling.String(prime, "prime", nullAsEmpty: true), g.MaxTokens, g.Seed, g.Stops))
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(piece + "\0");
            fixed (byte* text = utf8)
            {
                if (onText(text, (nuint)(utf8.Length - 1), userData) != 0) break;
            }
        }
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_stream_request_init_sized")]
    public static Status RequestInit(StreamRequestConfig* request, nuint structSize) =>
        ExportGuard.Run(() => StructSize.Init(request, structSize, StreamRequests.Defaults(), "request"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_sample_many")]
    public static Status SampleMany(nint model, nint vocab, StreamRequestConfig* requests, nuint count, int streams, SampleManyResult* result) => ExportGuard.Run(() =>
    {
        LanguageModel m = ModelHandle.Language(model, "model", "rnn_model_sample_many");
        Vocabulary v = HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab");
        StreamRequest[] engineRequests = StreamRequests.Read(requests, count);
        if (streams < 0) throw new ArgumentOutOfRangeException("streams", streams, "must be 0 (64) or more");
        SampleManyResult* r = StreamRequests.Result(result);
        TextGenerator generator;
        try
        {
            generator = new(m.CreateInferenceReplica(), v, new SamplingOptions(), streams == 0 ? TextGenerator.DefaultServingStreams : streams);
        }
        catch (ArgumentException e)
        {
            throw Configs.Renamed(e, ("vocabulary", "vocab"));
        }
        return StreamRequests.Write(StreamRequests.Generate(generator, engineRequests), r);
    });
}
