using System.Runtime.InteropServices;
using RnnNative.Kernels.Step;
using RnnNative.Model;
using RnnNative.Native.Interop;
using RnnNative.Text;

namespace RnnNative.Native.Exports;

/// <summary>rnn_model: inference-only int8 files (<see cref="ModelFile.SaveInt8"/>) and the query of a loaded one (since 0.6.0).
/// Loading is rnn_model_load_file's.</summary>
internal static unsafe class Int8FileExports
{
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_save_file_int8")]
    public static Status SaveFile(nint model, nint vocab, byte* path) => ExportGuard.Run(() =>
    {
        LanguageModel m = ModelHandle.Language(model, "model", "rnn_model_save_file_int8");
        ModelFile.SaveInt8(Marshalling.String(path, "path"), m, HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab"));
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_save_int8_to_memory")]
    public static Status SaveToMemory(nint model, nint vocab, void** outData, nuint* outSize)
    {
        if (outData != null) *outData = null;
        if (outSize != null) *outSize = 0;
        return ExportGuard.Run(() =>
        {
            LanguageModel m = ModelHandle.Language(model, "model", "rnn_model_save_int8_to_memory");
            Vocabulary v = HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab");
            if (outData == null) throw new ArgumentNullException("out_data");
            if (outSize == null) throw new ArgumentNullException("out_size");
            byte[] bytes = ModelFile.ToInt8Bytes(m, v);
            Marshalling.GiveBytes(bytes, outData, outSize);
        });
    }

    /// <summary>RNN_PRECISION_INT8 for a model loaded from an int8 file (<see cref="LanguageModel.Int8Source"/>), else RNN_PRECISION_F32.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_get_weight_precision")]
    public static Status GetWeightPrecision(nint model, int* outPrecision)
    {
        if (outPrecision != null) *outPrecision = 0;
        return ExportGuard.Run(() =>
        {
            LanguageModel m = ModelHandle.Language(model, "model", "rnn_model_get_weight_precision");
            if (outPrecision == null) throw new ArgumentNullException("out_precision");
            *outPrecision = (int)(m.Int8Source is null ? WeightPrecision.Float32 : WeightPrecision.Int8);
        });
    }
}
