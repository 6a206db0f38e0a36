using System.Diagnostics;

namespace RnnNative.Tests.PyTorch;

/// <summary>
/// Runs bindings/python/tests/charrnn_torch.py (copied next to the tests) with /usr/bin/python3
/// (override: RNN_TEST_PYTHON). Installs nothing: a missing interpreter, torch or numpy fails the
/// calling test with the command that installs them (test.sh runs it on CI machines).
/// </summary>
internal static class TorchScript
{
    private const string Install = "install them with `apt-get install -y python3-torch python3-numpy` (Debian/Ubuntu; PyPI's torch works too), or run ./test.sh, which does";

    public static string Python => Environment.GetEnvironmentVariable("RNN_TEST_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    public static string Script => Path.Combine(AppContext.BaseDirectory, "PyTorch", "charrnn_torch.py");

    /// <summary>Runs the script on a jobs file; throws with Python's stderr if it fails or outlives <paramref name="timeout"/>.</summary>
    public static void Run(string jobsPath, TimeSpan timeout)
    {
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
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(jobsPath);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Python} {Script} did not finish within {timeout.TotalSeconds:F0} s.");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string stderr = error.Result;
            if (stderr.Contains("No module named 'torch'") || stderr.Contains("No module named 'numpy'"))
            {
                throw new InvalidOperationException($"the PyTorch parity tests need torch and numpy for {Python}: {Install}.\n{stderr}");
            }
            throw new InvalidOperationException($"{Python} {Script} failed with exit code {process.ExitCode}:\n{stderr}\n{output.Result}");
        }
    }
}
