namespace RnnNative.Sampling;

/// <summary>Why a stream ended. The numbers are stable (the C ABI's <c>rnn_finish</c>).</summary>
public enum StreamFinish
{
    /// <summary>It generated <see cref="StreamRequest.MaxTokens"/> tokens.</summary>
    Length = 0,

    /// <summary>Its text reached one of its <see cref="StreamRequest.StopStrings"/>, which was cut off.</summary>
    Stop = 1,
}

/// <summary>What one stream generated.</summary>
/// <param name="Text">The generated text, without the prompt and without the stop string.</param>
/// <param name="Tokens">The tokens it drew (the one that completed a stop string included).</param>
/// <param name="Finish">Why it ended.</param>
public sealed record StreamResult(string Text, int Tokens, StreamFinish Finish);
