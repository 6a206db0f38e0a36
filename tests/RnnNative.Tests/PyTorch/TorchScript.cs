using System.Diagnostics;

namespace RnnNative.Tests.PyTorch;

/// <summary>
/// Runs a script of bindings/python/tests (charrnn_torch.py, sequence_torch.py, seq2seq_torch.py; copied next to the tests) with /usr/bin/python3
/// (override: RNN_TEST_PYTHON). Installs nothing: a missing interpreter, torch or numpy fails the
/// calling test with the command that installs them (test.sh runs it on CI machines).
/// </summary>
internal static class TorchScript
{
    private const string Install = "install them with `apt-get install -y python3-torch python3-numpy` (Debian/Ubuntu; PyPI's torch works too), or run ./test.sh, which does";

    public static string Python => Environment.GetEnvironmentVariable("RNN_TEST_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    /// <summary>The language model's mirror, the default script.</summary>
    public const string CharRnn = "charrnn_torch.py";

    /// <summary>The sequence models' mirror (taggers, classifiers, regressors).</summary>
    public const string Sequence = "sequence_torch.py";

    /// <summary>The encoder-decoder's mirror.</summary>
    public const string Seq2Seq = "seq2seq_torch.py";

    /// <summary>Runs the script <paramref name="scriptName"/> on a jobs file; throws with Python's stderr if it fails or outlives <paramref name="timeout"/>.</summary>
    public static void Run(string jobsPath, TimeSpan timeout, string scriptName = CharRnn)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "PyTorch", scriptName);
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"the PyTorch parity tests need {Python} with torch and numpy, and it is missing: {Install}.");
        }
        ProcessStartInfo start = new(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(jobsPath);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Python} {script} did not finish within {timeout.TotalSeconds:F0} s.");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string stderr = error.Result;
            if (stderr.Contains("No module named 'torch'") || stderr.Contains("No module named 'numpy'"))
            {
                throw new InvalidOperationException($"the PyTorch parity tests need torch and numpy for {Python}: {Install}.\n{stderr}");
            }
            throw new InvalidOperationException($"{Python} {script} failed with exit code {process.ExitCode}:\n{stderr}\n{output.Result}");
        }
    }
}
