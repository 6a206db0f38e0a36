namespace RnnNative.Tests.Support;

/// <summary>Tests that change <see cref="RnnNative.Threading.Parallelism.ThreadCount"/> run alone, never beside other tests.</summary>
[CollectionDefinition("Parallelism", DisableParallelization = true)]
public sealed class ParallelismCollection;
