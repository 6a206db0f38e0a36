namespace RnnNative.Cli.CommandLine;

/// <summary>
/// <c>--seed</c>, or else a fresh random seed (llama.cpp's default too) printed so that the run
/// can be repeated. Drawn seeds stay below 2^31, where every front door seeds alike.
/// </summary>
internal static class SeedOption
{
    public static ulong Read(Arguments args, TextWriter log)
    {
        if (args.Has("seed")) return args.ULong("seed", 0);
        ulong seed = (ulong)Random.Shared.NextInt64(1, int.MaxValue);
        log.WriteLine($"seed {seed} (repeat with --seed {seed})");
        return seed;
    }
}
