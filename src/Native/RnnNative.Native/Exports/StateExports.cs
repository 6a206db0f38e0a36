using System.Runtime.InteropServices;
using RnnNative.Model;
using RnnNative.Native.Interop;

namespace RnnNative.Native.Exports;

/// <summary>rnn_state: the stateful step API, one token in, next-token logits out.</summary>
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
}
