namespace RnnNative.Cells;

/// <summary>How a stack's weights start. Numbers are stable (C ABI, model files).</summary>
public enum RecurrentInitialization
{
    /// <summary>PyTorch's: every weight and bias uniform in ±1/sqrt(H).</summary>
    Default = 0,

    /// <summary>IRNN (Le, Jaitly &amp; Hinton 2015), Elman cells only: W_hh = scale · identity, biases 0,
    /// W_ih small Gaussian; with ReLU this lets an Elman network carry state over long spans.</summary>
    Identity = 1,
}
