using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using RnnNative.Cells;
using RnnNative.Corpora;
using RnnNative.Data;
using RnnNative.IO;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>
/// The trainer's behaviour pinned bit for bit: every training loss, every validation loss and checksums of
/// the final weights, optimizer state, carried state and progress reports of a short run, recorded from the
/// trainer before its loop was separated from the char-rnn data walk (issue 15), so the separation (and any
/// later change of the loop) shows up as a changed number. The run covers what the loop decides: dropout
/// masks from the seed and the update number, clipping by norm and by value, Adam with a cosine schedule,
/// validation every few updates plus the full validation at the end, two epoch ends (state reset), and the
/// best-loss callback. The scalar kernel path makes the numbers the same on every machine.
/// </summary>
public class TrainerGoldenTests
{
    private const long Updates = 32;

    // 200 lines of additions: 13 windows of T = 16 over B = 8 streams per epoch, so 32 updates end two epochs.
    private static readonly byte[] s_corpus = AdditionCorpus.Generate(200, seed: 11);
    private static readonly Vocabulary s_vocabulary = Utf8CharVocabulary.Build(s_corpus);

    private static CorpusSplit Data() => CorpusSplit.Create(TokenSequence.FromIds(s_vocabulary.Encode(s_corpus), s_vocabulary.Count));

    private static LanguageModel NewModel(CellType cell)
    {
        LanguageModel model = new(new LanguageModelConfig(s_vocabulary.Count, 12, cell, 24, 2) { Dropout = 0.1f }, KernelSet.For(KernelPath.Scalar));
        model.Initialize(new Random(3));
        return model;
    }

    private static TrainingOptions Options() => new(SequenceLength: 16, BatchSize: 8, ClipNorm: 1f, ClipValue: 0.05f, MaxUpdates: Updates, EvaluateEvery: 5, ValidationWindows: 2)
    {
        Optimizer = new OptimizerConfig(OptimizerKind.Adam, LearningRate: 1e-2f),
        Schedule = new LearningRateSchedule(ScheduleKind.Cosine),
        Seed = 42,
    };

    /// <summary>What a run leaves behind that the loop decides.</summary>
    private sealed record Outcome(double[] TrainingLosses, double[] ValidationLosses, long[] ValidatedAt, double Best, double[] NewBests,
        uint Weights, uint OptimizerState, uint CarriedState, uint Progress, long Epoch, long Window, long TokensSeen);

    private static Outcome Finish(Trainer trainer, List<double> newBests, StringBuilder progress)
    {
        TrainingSnapshot state = trainer.Capture();
        return new Outcome(
            [.. trainer.Curve.Training.Select(p => p.Loss)],
            [.. trainer.Curve.Validation.Select(p => p.Loss)],
            [.. trainer.Curve.Validation.Select(p => p.Update)],
            trainer.BestValidationLoss,
            [.. newBests],
            Checksum(trainer.Model.Blocks.Select(b => b.Values)),
            Checksum(state.OptimizerState),
            Checksum([state.Hidden, state.Cell]),
            Crc32C.Compute(Encoding.UTF8.GetBytes(progress.ToString())),
            state.Epoch, state.Window, state.TokensSeen);
    }

    private static uint Checksum(IEnumerable<float[]> arrays) =>
        Crc32C.Compute([.. arrays.SelectMany(a => MemoryMarshal.AsBytes(a.AsSpan()).ToArray())]);

    /// <summary>Records the reports that do not depend on the clock, one line each, in round-trip notation.</summary>
    private static void Observe(Trainer trainer, List<double> newBests, StringBuilder progress)
    {
        trainer.NewBest = newBests.Add;
        trainer.Progress = p => progress.AppendLine(string.Join(' ',
            p.Update, p.TotalUpdates, p.Epoch,
            p.TrainingLoss.ToString("R", CultureInfo.InvariantCulture), p.SmoothedLoss.ToString("R", CultureInfo.InvariantCulture),
            p.ValidationLoss?.ToString("R", CultureInfo.InvariantCulture) ?? "-", p.BestValidationLoss.ToString("R", CultureInfo.InvariantCulture),
            p.LearningRate.ToString("R", CultureInfo.InvariantCulture), p.GradientNorm.ToString("R", CultureInfo.InvariantCulture)));
    }

    private static Outcome Unbroken(CellType cell)
    {
        Trainer trainer = new(NewModel(cell), Data(), Options());
        List<double> newBests = [];
        StringBuilder progress = new();
        Observe(trainer, newBests, progress);
        Assert.Equal(TrainingStop.Completed, trainer.Run());
        return Finish(trainer, newBests, progress);
    }

    /// <summary>The outcomes of the unbroken runs, recorded from the trainer as it was before issue 15's separation.</summary>
    private static Outcome Expected(CellType cell) => cell switch
    {
        CellType.Lstm =>
            new Outcome(
                TrainingLosses: [2.561197868526374, 2.5453362865611138, 2.538997990018979, 2.5174927035836987, 2.5289596426564382, 2.490228746048786, 2.4979083942764797, 2.486384054315214, 2.4704883606025203, 2.4436461854414544, 2.3505066556713956, 2.338506113828865, 2.3529688719194217, 2.3918614335290167, 2.324348614776511, 2.2351488955700445, 2.246111693621789, 2.2550620187934864, 2.2420213556966133, 2.2469348297480845, 2.2199388625820373, 2.1922218106598037, 2.2270229909704673, 2.084186857721106, 2.1143104892872397, 2.156915027995269, 2.2909400178436203, 2.143022821878497, 2.081545365900744, 2.1456148125565573, 2.1555689293449536, 2.1413213485379354],
                ValidationLosses: [2.5032517321043675, 2.4302852182154284, 2.3266615527896555, 2.2694308013976903, 2.240942581893631, 2.230038387805835, 2.229562669444226],
                ValidatedAt: [5, 10, 15, 20, 25, 30, 32],
                Best: 2.229562669444226,
                NewBests: [2.5032517321043675, 2.4302852182154284, 2.3266615527896555, 2.2694308013976903, 2.240942581893631, 2.230038387805835, 2.229562669444226],
                Weights: 0x34773A8Au, OptimizerState: 0xF84CFFAEu, CarriedState: 0x27D0757Au, Progress: 0xA1AD257Au, Epoch: 2, Window: 6, TokensSeen: 4096),
        _ =>
            new Outcome(
                TrainingLosses: [2.5638729164186977, 2.5579065031565773, 2.518925047936257, 2.502390686178653, 2.4929075823846687, 2.4558249705874458, 2.495299676360065, 2.48006613912273, 2.428931769770266, 2.426388917077875, 2.333910664309681, 2.3148265855045285, 2.308395488427254, 2.360914598329231, 2.2624124294091392, 2.208960693076339, 2.1883488951123087, 2.242732123946977, 2.193709002602182, 2.2060144089655402, 2.144038231170158, 2.1089528948071594, 2.1386220983163216, 2.0406090341770833, 2.040598643205935, 2.1215925484428957, 2.231637927242814, 2.0527154622627046, 2.0275873282667436, 2.0995331026106197, 2.0786784355128725, 2.1338007826848364],
                ValidationLosses: [2.507059879704682, 2.4114968680998317, 2.3000354691279026, 2.226384752194756, 2.1871051301591153, 2.1764252261265495, 2.176019726743465],
                ValidatedAt: [5, 10, 15, 20, 25, 30, 32],
                Best: 2.176019726743465,
                NewBests: [2.507059879704682, 2.4114968680998317, 2.3000354691279026, 2.226384752194756, 2.1871051301591153, 2.1764252261265495, 2.176019726743465],
                Weights: 0x9499EDE6u, OptimizerState: 0xC73FACE9u, CarriedState: 0x7E2BB4A3u, Progress: 0x717087EBu, Epoch: 2, Window: 6, TokensSeen: 4096),
    };

    private static void AssertSame(Outcome expected, Outcome actual, bool progress = true)
    {
        Assert.Equal(expected.TrainingLosses, actual.TrainingLosses);
        Assert.Equal(expected.ValidationLosses, actual.ValidationLosses);
        Assert.Equal(expected.ValidatedAt, actual.ValidatedAt);
        Assert.Equal(expected.Best, actual.Best);
        Assert.Equal(expected.NewBests, actual.NewBests);
        Assert.Equal((expected.Weights, expected.OptimizerState, expected.CarriedState), (actual.Weights, actual.OptimizerState, actual.CarriedState));
        Assert.Equal((expected.Epoch, expected.Window, expected.TokensSeen), (actual.Epoch, actual.Window, actual.TokensSeen));
        if (progress) Assert.Equal(expected.Progress, actual.Progress);
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void A_short_run_gives_the_recorded_losses_validation_curve_and_weights(CellType cell)
    {
        AssertSame(Expected(cell), Unbroken(cell));
    }

    /// <summary>Stopped at update 10 with a checkpoint file, resumed by a new trainer on a model initialised otherwise:
    /// the same losses, curve and weights as the unbroken run. (The progress reports differ: a resumed run's smoothed
    /// loss restarts from the last training loss.)</summary>
    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    public void A_run_stopped_at_update_10_and_resumed_from_its_checkpoint_gives_the_recorded_run(CellType cell)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnn-golden-{Guid.NewGuid():N}.rnn");
        try
        {
            List<double> newBests = [];
            StringBuilder progress = new();
            Trainer first = new(NewModel(cell), Data(), Options()) { Checkpoints = new CheckpointFiles(path, s_vocabulary) };
            Observe(first, newBests, progress);
            Assert.Equal(TrainingStop.UpdatesDone, first.Run(updates: 10));

            LoadedModel checkpoint = ModelFile.Load(path);
            Assert.Equal(10, checkpoint.Training!.Update);
            LanguageModel other = NewModel(cell);
            other.Initialize(new Random(99));
            Trainer resumed = new(other, Data(), checkpoint.Options!);
            Observe(resumed, newBests, progress);
            resumed.Resume(checkpoint);
            Assert.Equal(TrainingStop.Completed, resumed.Run());

            AssertSame(Expected(cell), Finish(resumed, newBests, progress), progress: false);
        }
        finally
        {
            File.Delete(path);
            File.Delete(CheckpointFiles.BestPathFor(path));
        }
    }
}
