namespace RnnNative.Kernels.Step;

/// <summary>What a one-gate step applies to <c>init + A · x</c>: nothing (a decoder's logits) or an Elman cell's f.</summary>
internal enum StepActivation
{
    Identity = 0,
    Tanh = 1,
    Relu = 2,
}
