using System.Runtime.InteropServices;

namespace RnnNative.Tests.Architecture;

/// <summary>
/// The engine's layering, checked on the compiled assembly (metadata and IL, see <see cref="AssemblyDependencies"/>),
/// so a dependency counts wherever the compiler put it, method bodies and lambdas included; doc comments
/// (crefs) are not code and may point anywhere.
/// </summary>
public class LayeringTests
{
    /// <summary>
    /// The engine's folders (namespaces <c>RnnNative.Folder</c>, subfolders included), bottom to top. A folder
    /// may use folders of lower layers only: never one of its own layer or above, so no cycle can form, and
    /// a new folder fails the test until it is given a place here.
    /// </summary>
    private static readonly string[][] Layers =
    [
        // 0  leaf utilities: checked buffer sizes, error wording; they use no engine folder
        ["Sizes", "Diagnostics"],
        // 1  the SIMD math and its thread team (Kernels.Simd, .Gemm, .Elementwise, .Step, .Threading):
        //    knows no model, no cell, no file, no text
        ["Kernels"],
        // 2  files and containers (checkpoints, safetensors, CRC), seeded random numbers, loss curves and
        //    pictures, metrics (conlleval chunk F1, accuracy and macro F1, MSE and MAE)
        ["IO", "Randomness", "Reporting", "Metrics"],
        // 3  vocabularies and tokenizers; the recurrent layers and their BPTT
        ["Text", "Cells"],
        // 4  token sequences, batching, validation passes; generated corpora
        ["Data", "Corpora"],
        // 5  datasets of whole sequences: CoNLL, TSV/CSV and NumPy readers, sequence sets and their
        //    batchers; they fill Data's SequenceBatch, so they sit above Data, not beside it
        ["Datasets"],
        // 6  what a training run is and what a resumable file records of it: options, optimizer
        //    config, learning-rate schedule, the data's record, the snapshot it resumes from
        ["Runs"],
        // 7  the language model, its parameters, its files and the PyTorch exchange
        ["Model"],
        // 8  the trainer, optimizers and evaluation; sampling and text generation
        ["Training", "Sampling"],
        // 9  the facade (Rnn, TextData): may use everything, nothing uses it
        [FolderGraph.Facade],
    ];

    private static readonly Lazy<AssemblyDependencies> Engine = new(() => AssemblyDependencies.Read(typeof(Rnn).Assembly.Location));

    [Fact]
    public void Every_folder_uses_only_folders_of_lower_layers()
    {
        FolderGraph graph = FolderGraph.Of(Engine.Value);

        Assert.Contains("Kernels", graph.Folders);   // the graph is the engine's, not an empty one
        AssertNone(graph.LayerViolations(Layers));
    }

    [Fact]
    public void Kernels_use_no_engine_folder_but_the_leaf_utilities()
    {
        FolderGraph graph = FolderGraph.Of(Engine.Value);

        string[] used = [.. graph.Edges.Where(e => e.From == "Kernels").Select(e => e.To).Except(Layers[0])];

        Assert.Empty(used);
        Assert.DoesNotContain(graph.Edges, e => Layers[0].Contains(e.From));
    }

    [Fact]
    public void No_folders_depend_on_each_other_in_a_circle()
    {
        AssertNone(FolderGraph.Of(Engine.Value).Cycles());
    }

    [Fact]
    public void The_engine_knows_no_console()
    {
        Assert.Empty(ConsoleUsers(Engine.Value));
    }

    [Fact]
    public void The_engine_has_no_interop_with_native_code()
    {
        Assert.Empty(Engine.Value.PInvokeMethods);
        Assert.Empty(InteropAttributeUsers(Engine.Value));
    }

    [Fact]
    public void The_engine_references_no_front_door_and_only_the_framework()
    {
        // The CLI's assembly is "rnn", the C library's "librnnnative" ("rnnnative" on Windows).
        string[] frontDoors = [typeof(RnnNative.Cli.Program).Assembly.GetName().Name!, "librnnnative", "rnnnative"];
        IReadOnlyList<string> referenced = Engine.Value.ReferencedAssemblies;

        Assert.Contains("System.Runtime", referenced);   // the list was read
        Assert.Empty(referenced.Intersect(frontDoors, StringComparer.OrdinalIgnoreCase));
        Assert.All(referenced, name => Assert.StartsWith("System", name, StringComparison.Ordinal));
    }

    // Negative controls: each check, fed something that breaks its rule, reports it.

    [Fact]
    public void The_layer_check_reports_an_upward_edge_a_sideways_edge_and_a_folder_missing_from_the_table()
    {
        FolderGraph graph = FolderGraph.Of(("Model", "Cells"), ("Kernels", "Model"), ("Training", "Sampling"), ("Plugins", "Kernels"));

        List<string> violations = graph.LayerViolations(Layers);

        Assert.Equal(3, violations.Count);
        Assert.Contains(violations, v => v.StartsWith("Kernels -> Model", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Training -> Sampling", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Plugins is in no layer", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cycle_check_reports_a_cycle_and_only_its_members()
    {
        FolderGraph graph = FolderGraph.Of(("Model", "Training"), ("Training", "Runs"), ("Runs", "Model"), ("Model", "Cells"), ("Cells", "Kernels"));

        string cycle = Assert.Single(graph.Cycles());

        Assert.StartsWith("cycle among Model, Runs, Training:", cycle, StringComparison.Ordinal);
        Assert.DoesNotContain("Cells", cycle, StringComparison.Ordinal);
        Assert.Empty(FolderGraph.Of(("Model", "Cells"), ("Cells", "Kernels"), ("Model", "Kernels")).Cycles());
    }

    [Fact]
    public void The_reader_sees_types_used_only_inside_method_bodies_and_lambdas_console_and_pinvoke()
    {
        AssemblyDependencies tests = AssemblyDependencies.Read(typeof(LayeringTests).Assembly.Location);
        TypeName probe = NameOf(typeof(Probe));

        Assert.Contains(new TypeUse(probe, NameOf(typeof(BodyOnlyTarget))), tests.Uses);
        Assert.Contains(tests.Uses, u => u.User.Name.StartsWith($"{probe.Name}+", StringComparison.Ordinal) && u.Used == NameOf(typeof(LambdaOnlyTarget)));
        Assert.Contains(probe, ConsoleUsers(tests));
        Assert.Contains($"{probe}.getpid", tests.PInvokeMethods);
    }

    /// <summary>Fails with every problem in full, one a line (Assert.Empty cuts long items short).</summary>
    private static void AssertNone(List<string> problems) => Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

    private static IEnumerable<TypeName> ConsoleUsers(AssemblyDependencies assembly) =>
        assembly.Uses.Where(u => u.Used == new TypeName("System", "Console")).Select(u => u.User);

    /// <summary>Types that declare P/Invoke through the source generator or export functions to C.</summary>
    private static IEnumerable<TypeUse> InteropAttributeUsers(AssemblyDependencies assembly) =>
        assembly.Uses.Where(u => u.Used.Namespace == "System.Runtime.InteropServices"
            && u.Used.Name is "LibraryImportAttribute" or "UnmanagedCallersOnlyAttribute" or "NativeLibrary");

    private static TypeName NameOf(Type type) => new(type.Namespace!, type.FullName![(type.Namespace!.Length + 1)..]);

    private sealed class BodyOnlyTarget;

    private sealed class LambdaOnlyTarget;

    /// <summary>Never called: the reader's negative control, breaking each rule the engine keeps.</summary>
    private static class Probe
    {
        public static object Body() => new BodyOnlyTarget();

        public static Func<int> Lambda() => () => Array.Empty<LambdaOnlyTarget>().Length;

        public static void Print() => Console.WriteLine();

        [DllImport("libc")]
        public static extern int getpid();
    }
}
