using System.Runtime.InteropServices;
using RnnNative.Data;
using RnnNative.Kernels.Step;
using RnnNative.Model;
using RnnNative.Native.Interop;
using RnnNative.Tasks;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Native.Exports;

/// <summary>rnn_model: create, describe, save, load, evaluate.</summary>
internal static unsafe class ModelExports
{
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_config_init_sized")]
    public static Status ConfigInit(ModelConfig* config, nuint structSize) =>
        ExportGuard.Run(() => StructSize.Init(config, structSize, Configs.ModelDefaults(), "config"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_create")]
    public static Status Create(ModelConfig* config, nint* outModel)
    {
        if (outModel != null) *outModel = 0;
        return ExportGuard.Run(() =>
        {
            ModelConfig c = StructSize.Read(config, Configs.ModelDefaults(), "config");
            if (outModel == null) throw new ArgumentNullException("out_model");
            LanguageModel model = new(Configs.ToEngine(c));
            model.Initialize((ulong)c.SeedHigh << 32 | c.Seed);
            Marshalling.SetOut(outModel, HandleKind.Model, model, "out_model");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_destroy")]
    public static void Destroy(nint model) => ExportGuard.Run(() => HandleTable.Remove(model, HandleKind.Model, "model"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_get_config")]
    public static Status GetConfig(nint model, ModelConfig* outConfig) => ExportGuard.Run(() =>
    {
        LanguageModel m = ModelHandle.Language(model, "model", "rnn_model_get_config");
        StructSize.Write(outConfig, Configs.FromEngine(m.Config), "out_config");
    });

    /// <summary>The engine's <see cref="LanguageModel.StepPrecision"/>, shared with the replicas of states and generators.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_set_step_precision")]
    public static Status SetStepPrecision(nint model, int precision) => ExportGuard.Run(() =>
    {
        LanguageModel m = ModelHandle.Language(model, "model", "rnn_model_set_step_precision");
        Configs.Validate(() => m.StepPrecision = (WeightPrecision)precision, "precision");
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_get_step_precision")]
    public static Status GetStepPrecision(nint model, int* outPrecision)
    {
        if (outPrecision != null) *outPrecision = 0;
        return ExportGuard.Run(() =>
        {
            LanguageModel m = ModelHandle.Language(model, "model", "rnn_model_get_step_precision");
            if (outPrecision == null) throw new ArgumentNullException("out_precision");
            *outPrecision = (int)m.StepPrecision;
        });
    }

    /// <summary>Every kind: a sequence model's file holds its own vocabulary and labels (a seq2seq model's its two vocabularies), so
    /// <paramref name="vocab"/> is then ignored.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_save_file")]
    public static Status SaveFile(nint model, nint vocab, byte* path) => ExportGuard.Run(() =>
    {
        object target = HandleTable.Get<object>(model, HandleKind.Model, "model");
        Vocabulary? v = target is LanguageModel ? HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab") : null;
        string file = Marshalling.String(path, "path");
        switch (target)
        {
            case TaskModel task:
                task.Save(file);
                break;
            case Seq2SeqTaskModel s2s:
                s2s.Save(file);
                break;
            default:
                ModelFile.Save(file, (LanguageModel)target, v!);
                break;
        }
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_save_to_memory")]
    public static Status SaveToMemory(nint model, nint vocab, void** outData, nuint* outSize)
    {
        if (outData != null) *outData = null;
        if (outSize != null) *outSize = 0;
        return ExportGuard.Run(() =>
        {
            object target = HandleTable.Get<object>(model, HandleKind.Model, "model");
            Vocabulary? v = target is LanguageModel ? HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab") : null;
            if (outData == null) throw new ArgumentNullException("out_data");
            if (outSize == null) throw new ArgumentNullException("out_size");
            byte[] bytes = target switch
            {
                TaskModel task => task.ToBytes(),
                Seq2SeqTaskModel s2s => s2s.ToBytes(),
                _ => ModelFile.ToBytes((LanguageModel)target, v!),
            };
            Marshalling.GiveBytes(bytes, outData, outSize);
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_load_file")]
    public static Status LoadFile(byte* path, nint* outModel, nint* outVocab)
    {
        if (outModel != null) *outModel = 0;
        if (outVocab != null) *outVocab = 0;
        return ExportGuard.Run(() =>
        {
            if (outModel == null) throw new ArgumentNullException("out_model");
            string file = Marshalling.String(path, "path");
            if (ModelFiles.KindOf(file) == ModelKind.Seq2Seq)
            {
                *outModel = HandleTable.Add(HandleKind.Model, Seq2SeqTaskModel.Load(file).Model);
            }
            else
            {
                Publish(ModelFiles.Load(file), outModel, outVocab);
            }
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_load_from_memory")]
    public static Status LoadFromMemory(byte* data, nuint size, nint* outModel, nint* outVocab)
    {
        if (outModel != null) *outModel = 0;
        if (outVocab != null) *outVocab = 0;
        return ExportGuard.Run(() =>
        {
            if (outModel == null) throw new ArgumentNullException("out_model");
            ReadOnlySpan<byte> bytes = Marshalling.Span(data, size, "data");
            if (ModelFiles.KindOf(bytes) == ModelKind.Seq2Seq)
            {
                *outModel = HandleTable.Add(HandleKind.Model, Seq2SeqTaskModel.Load(bytes).Model);
            }
            else
            {
                Publish(ModelFiles.Load(bytes), outModel, outVocab);
            }
        });
    }

    /// <summary>PyTorch exchange: the CharRnn state_dict as safetensors (PyTorchExchange); vocab may be 0.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_export_safetensors")]
    public static Status ExportSafetensors(nint model, nint vocab, byte* path) => ExportGuard.Run(() =>
    {
        LanguageModel m = ModelHandle.Language(model, "model", "rnn_model_export_safetensors");
        Vocabulary? v = vocab == 0 ? null : HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab");
        PyTorchExchange.Export(Marshalling.String(path, "path"), m, v);
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_export_safetensors_to_memory")]
    public static Status ExportSafetensorsToMemory(nint model, nint vocab, void** outData, nuint* outSize)
    {
        if (outData != null) *outData = null;
        if (outSize != null) *outSize = 0;
        return ExportGuard.Run(() =>
        {
            LanguageModel m = ModelHandle.Language(model, "model", "rnn_model_export_safetensors_to_memory");
            Vocabulary? v = vocab == 0 ? null : HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab");
            if (outData == null) throw new ArgumentNullException("out_data");
            if (outSize == null) throw new ArgumentNullException("out_size");
            byte[] bytes = PyTorchExchange.ExportToBytes(m, v);
            Marshalling.GiveBytes(bytes, outData, outSize);
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_import_safetensors")]
    public static Status ImportSafetensors(byte* path, nint vocab, ModelConfig* config, nint* outModel, nint* outVocab)
    {
        if (outModel != null) *outModel = 0;
        if (outVocab != null) *outVocab = 0;
        return ExportGuard.Run(() =>
        {
            (Vocabulary? v, LanguageModelConfig? c) = ImportArguments(vocab, config, outModel);
            Publish(PyTorchExchange.Import(Marshalling.String(path, "path"), v, c), outModel, outVocab);
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_import_safetensors_from_memory")]
    public static Status ImportSafetensorsFromMemory(byte* data, nuint size, nint vocab, ModelConfig* config, nint* outModel, nint* outVocab)
    {
        if (outModel != null) *outModel = 0;
        if (outVocab != null) *outVocab = 0;
        return ExportGuard.Run(() =>
        {
            (Vocabulary? v, LanguageModelConfig? c) = ImportArguments(vocab, config, outModel);
            Publish(PyTorchExchange.Import(Marshalling.Span(data, size, "data"), v, c), outModel, outVocab);
        });
    }

    private static (Vocabulary?, LanguageModelConfig?) ImportArguments(nint vocab, ModelConfig* config, nint* outModel)
    {
        Vocabulary? v = vocab == 0 ? null : HandleTable.Get<Vocabulary>(vocab, HandleKind.Vocabulary, "vocab");
        LanguageModelConfig? c = config == null ? null : Configs.ToEngine(StructSize.Read(config, Configs.ModelDefaults(), "config"));
        if (outModel == null) throw new ArgumentNullException("out_model");
        return (v, c);
    }

    /// <summary>A model file of any kind, read once: a sequence model has no rnn_vocab (*outVocab stays NULL).</summary>
    private static void Publish(LoadedModelFile loaded, nint* outModel, nint* outVocab)
    {
        if (loaded.Language is { } language)
        {
            Publish(language, outModel, outVocab);
        }
        else
        {
            *outModel = HandleTable.Add(HandleKind.Model, TaskModel.FromFile(loaded.Sequence!).Model);
        }
    }

    private static void Publish(LoadedModel loaded, nint* outModel, nint* outVocab)
    {
        *outModel = HandleTable.Add(HandleKind.Model, loaded.Model);
        if (outVocab != null) *outVocab = HandleTable.Add(HandleKind.Vocabulary, loaded.Vocabulary);
    }

    /// <summary>Runs on a replica, so it may overlap sampling from the same model on other threads.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_evaluate")]
    public static Status Evaluate(nint model, nint corpus, int batchSize, int steps, EvaluationResult* outResult) => ExportGuard.Run(() =>
    {
        LanguageModel m = ModelHandle.Language(model, "model", "rnn_model_evaluate");
        TokenSequence tokens = HandleTable.Get<TokenSequence>(corpus, HandleKind.Corpus, "corpus");
        if (outResult == null) throw new ArgumentNullException("out_result");
        Evaluation.RequireTokensToPredict(tokens, "corpus");
        m.Config.ValidateWindow(steps, batchSize, "steps", "batch_size");
        StructSize.Write(outResult, Result(Evaluation.MeanLoss(m.CreateInferenceReplica(), tokens, batchSize, steps)), "out_result");
    });

    internal static EvaluationResult Result(double loss) => new()
    {
        StructSize = (uint)sizeof(EvaluationResult),
        Loss = loss,
        Perplexity = Evaluation.Perplexity(loss),
        BitsPerToken = Evaluation.BitsPerToken(loss),
    };
}
