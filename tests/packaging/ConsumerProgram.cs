// The program of the console app that tests/packaging/run_tests.sh creates with `dotnet new console`
// and builds against the packed RnnNative package: the README's .NET example, small and fast.
using RnnNative;
using RnnNative.Runs;
using RnnNative.Training;

string corpus = Path.Combine(Path.GetTempPath(), $"rnnnative-consumer-{Environment.ProcessId}.txt");
File.WriteAllText(corpus, string.Concat(Enumerable.Repeat("the cat sat on the mat. the dog sat on the log. ", 80)));
string checkpoint = Path.ChangeExtension(corpus, ".rnn");
try
{
    using TextData text = Rnn.ReadText(corpus);
    var model = Rnn.CreateModel(text.Vocabulary, hiddenSize: 32, layers: 1, embeddingSize: 16);
    var trainer = new Trainer(model, text.Split, new TrainingOptions(SequenceLength: 16, BatchSize: 8, MaxUpdates: 60, EvaluateEvery: 60) { Optimizer = new OptimizerConfig(OptimizerKind.Adam, 0.01f) });
    trainer.Run();
    trainer.SaveCheckpoint(checkpoint, text.Vocabulary);

    var loaded = Rnn.Load(checkpoint);
    string sample = string.Concat(Rnn.Sample(loaded.Model, loaded.Vocabulary, "the ", 40, temperature: 0.5f, seed: 7));
    Console.WriteLine($"vocabulary {text.Vocabulary.Count}");
    Console.WriteLine($"updates {loaded.Training!.Update}");
    Console.WriteLine($"validation {trainer.BestValidationLoss:0.000}");
    Console.WriteLine($"sample \"the {sample.ReplaceLineEndings(" ")}\"");
}
finally
{
    File.Delete(corpus);
    File.Delete(checkpoint);
}
