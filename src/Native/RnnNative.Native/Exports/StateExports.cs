using System.Runtime.InteropServices;
using RnnNative.Model;
using RnnNative.Native.Interop;

namespace RnnNative.Native.Exports;

/// <summary>rnn_state: the stateful step API, one token in, next-token logits (or, since 0.5.0, a drawn token) out.</summary>
internal static unsafe class StateExports
{
    [UnmanagedCallersOnly(EntryPoint = "rnn_state_create")]
    public static Status Create(nint model, nint* outState)
    {
        if (outState != null) *outState = 0;
        return ExportGuard.Run(() =>
        {
            LanguageModel m = ModelHandle.Language(model, "model", "rnn_state_create");
            if (outState == null) throw new ArgumentNullException("out_state");
            Marshalling.SetOut(outState, HandleKind.State, new StateSession(m), "out_state");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_state_destroy")]
    public static void Destroy(nint state) => ExportGuard.Run(() => HandleTable.Remove(state, HandleKind.State, "state"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_state_reset")]
    public static Status Reset(nint state) => ExportGuard.Run(() => HandleTable.Get<StateSession>(state, HandleKind.State, "state").State.Reset());

    [UnmanagedCallersOnly(EntryPoint = "rnn_state_step")]
    public static Status Step(nint state, int token, float* logits, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            StateSession s = HandleTable.Get<StateSession>(state, HandleKind.State, "state");
            int vocabularySize = s.Replica.Config.VocabularySize;
            if (needed != null) *needed = (nuint)vocabularySize;
            if (capacity < (nuint)vocabularySize)
            {
                return ExportGuard.Fail(Status.BufferTooSmall, $"logits holds {capacity} floats but the model has {vocabularySize} tokens; the state was not advanced.");
            }
            if (logits == null) throw new ArgumentNullException("logits");
            s.Token[0] = token;
            try
            {
                s.Replica.Step(s.Token, s.State, new Span<float>(logits, vocabularySize));
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "inputs")
            {
                throw new ArgumentOutOfRangeException("token", token, $"outside the vocabulary [0, {vocabularySize}); the state was not advanced.");
            }
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_state_sample")]
    public static Status Sample(nint state, int token, nint sampler, int* outToken)
    {
        if (outToken != null) *outToken = -1;
        return ExportGuard.Run(() =>
        {
            StateSession s = HandleTable.Get<StateSession>(state, HandleKind.State, "state");
            SamplerSession drawer = HandleTable.Get<SamplerSession>(sampler, HandleKind.Sampler, "sampler");
            if (outToken == null) throw new ArgumentNullException("out_token");
            try
            {
                *outToken = drawer.Sampler.Step(s.Replica, token, s.State, drawer.Random);
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName is "tokens" or "inputs")
            {
                throw new ArgumentOutOfRangeException("token", token, $"outside the vocabulary [0, {s.Replica.Config.VocabularySize}); the state was not advanced.");
            }
        });
    }
}
