namespace RnnNative.Kernels.Threading;

/// <summary>
/// A job split into numbered pieces. Each piece writes its own part of the output and never
/// reduces across pieces, so the result is bit-identical for any thread count.
/// </summary>
internal interface IParallelWork
{
    /// <summary>Runs piece <paramref name="index"/>; called once per index, from any thread.</summary>
    void Run(int index);
}
