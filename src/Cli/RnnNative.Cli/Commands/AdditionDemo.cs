using System.Globalization;
using RnnNative.Corpora;
using RnnNative.Model;
using RnnNative.Sampling;
using RnnNative.Text;

namespace RnnNative.Cli.Commands;

/// <summary>Shows what a model trained on the addition corpus learned: greedy answers to new sums,
/// printed in the usual notation (the corpus writes digits least-significant first).</summary>
internal static class AdditionDemo
{
    public static void Print(LanguageModel model, Vocabulary vocabulary, ulong seed, TextWriter output)
    {
        Randomness.SeededRandom random = new(seed + 12345);
        const int questions = 200;
        string[] primes = new string[questions];
        for (int i = 0; i < questions; i++)
        {
            primes[i] = "\n" + AdditionCorpus.Question(random.NextInt(AdditionCorpus.MaxOperand + 1), random.NextInt(AdditionCorpus.MaxOperand + 1));
        }
        string[] answers = new TextGenerator(model, vocabulary, new SamplingOptions(Temperature: 0f), streams: questions).Generate(primes, 6, seed, ["\n"]);
        int correct = 0;
        for (int i = 0; i < questions; i++)
        {
            string line = primes[i][1..] + answers[i];
            bool right = AdditionCorpus.IsCorrect(line);
            if (right) correct++;
            if (i < 6) output.WriteLine($"  {AdditionCorpus.ToUsualNotation(line),-16} {(right ? "right" : "wrong")}");
        }
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "greedy answers to {0} new sums: {1} right ({2:0.#}%)", questions, correct, 100.0 * correct / questions));
    }
}
