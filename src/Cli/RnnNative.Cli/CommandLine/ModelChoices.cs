using RnnNative.Cells;
using RnnNative.Model;

namespace RnnNative.Cli.CommandLine;

/// <summary>The words of the model options every kind of model reads (--cell, --activation, --init), from the engine's tables.</summary>
internal static class ModelChoices
{
    /// <summary>Each cell by its name and its PyTorch name (elman|rnn|lstm|gru|jordan).</summary>
    public static readonly (string Word, CellType Value)[] Cells =
        [.. CellKind.All.SelectMany(kind => new[] { (kind.Name, kind.Type), (kind.PyTorchName ?? kind.Name, kind.Type) }).Distinct()];

    public static readonly (string Word, Activation Value)[] Activations = [("tanh", Activation.Tanh), ("relu", Activation.Relu)];

    public static readonly (string Word, SoftmaxKind Value)[] Softmaxes = [("full", SoftmaxKind.Full), ("class", SoftmaxKind.Class)];

    public static readonly (string Word, RecurrentInitialization Value)[] Initializations =
        [("default", RecurrentInitialization.Default), ("identity", RecurrentInitialization.Identity)];
}
