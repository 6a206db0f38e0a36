namespace RnnNative.Datasets;

/// <summary>One example of a classification file: its label, its text and the line it starts on (1-based), or its
/// index for texts from memory (<see cref="ClassificationFile.FromTexts"/>), whose label is empty when none was given.</summary>
public sealed record LabeledText(string Label, string Text, int Line);
