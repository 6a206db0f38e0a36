using RnnNative.Model;
using RnnNative.Tasks;

namespace RnnNative.Native.Interop;

/// <summary>
/// An rnn_model handle holds a <see cref="LanguageModel"/> or a <see cref="TaskModel"/> (llama.h's lesson: one handle
/// for every kind). A function that serves one kind looks the handle up here, and a model of another kind is
/// <c>RNN_E_UNSUPPORTED</c> with a message naming the function, the model's kind and the kinds it serves.
/// </summary>
internal static class ModelHandle
{
    /// <summary>The kind of the model behind <paramref name="handle"/>.</summary>
    public static ModelKind Kind(nint handle, string argument) => KindOf(HandleTable.Get<object>(handle, HandleKind.Model, argument));

    /// <summary>The language model behind <paramref name="handle"/>; <paramref name="function"/> names the export for the message.</summary>
    public static LanguageModel Language(nint handle, string argument, string function) =>
        HandleTable.Get<object>(handle, HandleKind.Model, argument) as LanguageModel
        ?? throw Unsupported(handle, argument, function, "language models");

    /// <summary>The sequence model (tagger, classifier, regressor) behind <paramref name="handle"/>.</summary>
    public static TaskModel Task(nint handle, string argument, string function) =>
        HandleTable.Get<object>(handle, HandleKind.Model, argument) as TaskModel
        ?? throw Unsupported(handle, argument, function, "taggers, classifiers and regressors");

    /// <summary>What <see cref="ModelKind"/> is called in rnn.h's messages.</summary>
    public static string Name(ModelKind kind) => kind switch
    {
        ModelKind.LanguageModel => "a language model",
        ModelKind.Tagger => "a tagger",
        ModelKind.Classifier => "a classifier",
        _ => "a regressor",
    };

    private static ModelKind KindOf(object model) => model is TaskModel task ? task.Model.Config.Kind : ModelKind.LanguageModel;

    private static NotSupportedException Unsupported(nint handle, string argument, string function, string serves) =>
        new($"{function} serves {serves}; {argument} is {Name(Kind(handle, argument))}.");
}
