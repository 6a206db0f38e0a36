namespace RnnNative.Datasets;

/// <summary>One example of a classification file: its label, its text and the line it starts on (1-based).</summary>
public sealed record LabeledText(string Label, string Text, int Line);
