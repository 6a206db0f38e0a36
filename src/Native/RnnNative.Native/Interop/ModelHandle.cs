using RnnNative.Model;
using RnnNative.Tasks;

namespace RnnNative.Native.Interop;

/// <summary>
/// An rnn_model handle holds a <see cref="LanguageModel"/>, a <see cref="TaskModel"/> or (since 0.5.0) a
/// <see cref="Seq2SeqTaskModel"/> (llama.h's lesson: one handle
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

    /// <summary>The model of whole sequences or pairs behind <paramref name="handle"/>: a <see cref="TaskModel"/> or a
    /// <see cref="Seq2SeqTaskModel"/>, for the functions that read data for either.</summary>
    public static object Data(nint handle, string argument, string function)
    {
        object model = HandleTable.Get<object>(handle, HandleKind.Model, argument);
        return model is TaskModel or Seq2SeqTaskModel ? model : throw Unsupported(handle, argument, function, "taggers, classifiers, regressors and seq2seq models");
    }

    /// <summary>The seq2seq model behind <paramref name="handle"/>.</summary>
    public static Seq2SeqTaskModel Seq2Seq(nint handle, string argument, string function) =>
        HandleTable.Get<object>(handle, HandleKind.Model, argument) as Seq2SeqTaskModel
        ?? throw Unsupported(handle, argument, function, "seq2seq models");

    /// <summary>What <see cref="ModelKind"/> is called in rnn.h's messages.</summary>
    public static string Name(ModelKind kind) => kind switch
    {
        ModelKind.LanguageModel => "a language model",
        ModelKind.Tagger => "a tagger",
        ModelKind.Classifier => "a classifier",
        ModelKind.Seq2Seq => "a seq2seq model",
        _ => "a regressor",
    };

    private static ModelKind KindOf(object model) => model switch
    {
        TaskModel task => task.Model.Config.Kind,
        Seq2SeqTaskModel => ModelKind.Seq2Seq,
        _ => ModelKind.LanguageModel,
    };

    private static NotSupportedException Unsupported(nint handle, string argument, string function, string serves) =>
        new($"{function} serves {serves}; {argument} is {Name(Kind(handle, argument))}.");
}
