namespace RnnNative.Native.Interop;

/// <summary>A handle argument is NULL, freed, forged or of another type: <c>RNN_E_INVALID_HANDLE</c>.</summary>
internal sealed class InvalidHandleException(string message) : Exception(message);
