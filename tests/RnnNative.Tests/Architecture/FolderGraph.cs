namespace RnnNative.Tests.Architecture;

/// <summary>
/// Dependencies between the engine's folders: a type in namespace <c>RnnNative.Folder</c> (or below it,
/// <c>RnnNative.Kernels.Simd</c> counts as Kernels) that refers to a type of another folder makes an edge.
/// The root namespace, the facade (<c>Rnn</c>, <c>TextData</c>), is a folder of its own.
/// </summary>
internal sealed class FolderGraph
{
    public const string Facade = "RnnNative (facade)";

    /// <summary>Each edge with one type reference that makes it, the witness a failure message names.</summary>
    private readonly Dictionary<(string From, string To), string> witnesses = [];

    public SortedSet<string> Folders { get; } = new(StringComparer.Ordinal);

    public IEnumerable<(string From, string To)> Edges => witnesses.Keys;

    /// <summary>The folder of a namespace, or null outside the engine.</summary>
    public static string? FolderOf(string ns) =>
        ns == "RnnNative" ? Facade : ns.StartsWith("RnnNative.", StringComparison.Ordinal) ? ns.Split('.')[1] : null;

    /// <summary>The graph of the engine's own types; references to other assemblies make no edge.</summary>
    public static FolderGraph Of(AssemblyDependencies assembly)
    {
        FolderGraph graph = new();
        foreach (TypeName type in assembly.Defined)
            if (FolderOf(type.Namespace) is string folder) graph.Folders.Add(folder);
        foreach (TypeUse use in assembly.Uses)
        {
            if (!assembly.Defined.Contains(use.Used)) continue;
            if (FolderOf(use.User.Namespace) is string from && FolderOf(use.Used.Namespace) is string to)
                graph.Add(from, to, $"{use.User} uses {use.Used}");
        }
        return graph;
    }

    /// <summary>A graph written by hand, for the checker's own tests.</summary>
    public static FolderGraph Of(params (string From, string To)[] edges)
    {
        FolderGraph graph = new();
        foreach ((string from, string to) in edges)
        {
            graph.Folders.Add(from);
            graph.Folders.Add(to);
            graph.Add(from, to, "synthetic");
        }
        return graph;
    }

    private void Add(string from, string to, string witness)
    {
        if (from != to) witnesses.TryAdd((from, to), witness);
    }

    /// <summary>Edges the layer table forbids: a folder may use only folders of lower layers; a folder
    /// missing from the table is a violation too, so a new folder has to be placed on purpose.</summary>
    public List<string> LayerViolations(IReadOnlyList<string[]> layersBottomUp)
    {
        Dictionary<string, int> layerOf = [];
        for (int layer = 0; layer < layersBottomUp.Count; layer++)
            foreach (string folder in layersBottomUp[layer]) layerOf[folder] = layer;
        List<string> violations = [.. Folders.Where(f => !layerOf.ContainsKey(f)).Select(f => $"{f} is in no layer of the table")];
        foreach (((string from, string to), string witness) in witnesses.OrderBy(w => w.Key))
            if (layerOf.TryGetValue(from, out int fromLayer) && layerOf.TryGetValue(to, out int toLayer) && toLayer >= fromLayer)
                violations.Add($"{from} -> {to} goes sideways or up ({witness})");
        return violations;
    }

    /// <summary>Every group of folders that depend on each other in a circle (strongly connected components
    /// of two or more, Tarjan's algorithm), with the edges inside the group and their witnesses.</summary>
    public List<string> Cycles()
    {
        Dictionary<string, int> index = [], lowLink = [];
        Stack<string> stack = new();
        HashSet<string> onStack = [];
        List<string> cycles = [];

        void Visit(string folder)
        {
            int order = index.Count;
            index[folder] = order;
            lowLink[folder] = order;
            stack.Push(folder);
            onStack.Add(folder);
            foreach ((string _, string next) in Edges.Where(e => e.From == folder))
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    lowLink[folder] = Math.Min(lowLink[folder], lowLink[next]);
                }
                else if (onStack.Contains(next)) lowLink[folder] = Math.Min(lowLink[folder], index[next]);
            }
            if (lowLink[folder] != index[folder]) return;
            List<string> component = [];
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            } while (member != folder);
            if (component.Count < 2) return;
            IEnumerable<string> inside = witnesses.Where(w => component.Contains(w.Key.From) && component.Contains(w.Key.To))
                .OrderBy(w => w.Key).Select(w => $"{w.Key.From} -> {w.Key.To} ({w.Value})");
            cycles.Add($"cycle among {string.Join(", ", component.Order())}: {string.Join("; ", inside)}");
        }

        foreach (string folder in Folders)
            if (!index.ContainsKey(folder)) Visit(folder);
        return cycles;
    }
}
