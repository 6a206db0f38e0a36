namespace RnnNative.Tests.Support;

/// <summary>Tests that change <see cref="RnnNative.Kernels.Threading.Parallelism.ThreadCount"/> run in this collection,
/// alone, so they never race each other over the engine-wide setting.</summary>
[CollectionDefinition("Parallelism", DisableParallelization = true)]
public sealed class ParallelismCollection
{
}
