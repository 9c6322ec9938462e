namespace Surge.Tests.Architecture;

/// <summary>
/// Which feature namespace depends on which, with one example of each dependency for the failure message, and the
/// cycles among them (strongly connected components of more than one feature, Tarjan's algorithm).
/// </summary>
internal sealed class NamespaceGraph
{
    private readonly SortedDictionary<string, SortedDictionary<string, string>> _edges = new(StringComparer.Ordinal);

    /// <summary>
    /// The feature a namespace belongs to: its first two parts (<c>Surge.Autoscale.Kubernetes</c> is
    /// <c>Surge.Autoscale</c>); <c>Surge</c> itself (contracts and what every feature shares); null outside Surge.
    /// </summary>
    public static string? FeatureOf(string? ns)
    {
        if (ns is null || !(ns == "Surge" || ns.StartsWith("Surge.", StringComparison.Ordinal))) return null;
        var parts = ns.Split('.');
        return parts.Length == 1 ? parts[0] : $"{parts[0]}.{parts[1]}";
    }

    public IEnumerable<string> Nodes => _edges.Keys;

    public IEnumerable<(string From, string To, string Evidence)> Edges
        => _edges.SelectMany(e => e.Value.Select(t => (e.Key, t.Key, t.Value)));

    /// <summary>Adds an arrow between two features; the first evidence of an arrow is kept. Arrows within a feature are not arrows.</summary>
    public void Add(string from, string to, string evidence)
    {
        Node(to);
        if (from == to) return;
        Node(from).TryAdd(to, evidence);
    }

    /// <summary>Every cycle, as the features that depend on each other round it (a component of more than one).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<IReadOnlyList<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in _edges[node].Keys)
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }
            if (low[node] != index[node]) return;
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);
            if (component.Count > 1) cycles.Add([.. component.Order(StringComparer.Ordinal)]);
        }

        foreach (var node in Nodes) if (!index.ContainsKey(node)) Visit(node);
        return cycles;
    }

    /// <summary>The arrows inside one cycle, each with its evidence: what to cut.</summary>
    public string Describe(IReadOnlyList<string> cycle)
    {
        var members = cycle.ToHashSet(StringComparer.Ordinal);
        var arrows = Edges.Where(e => members.Contains(e.From) && members.Contains(e.To)).Select(e => $"  {e.From} -> {e.To}   ({e.Evidence})");
        return $"{string.Join(", ", cycle)}:{Environment.NewLine}{string.Join(Environment.NewLine, arrows)}";
    }

    public override string ToString() => string.Join(Environment.NewLine, Edges.Select(e => $"{e.From} -> {e.To}   ({e.Evidence})"));

    private SortedDictionary<string, string> Node(string name)
    {
        if (!_edges.TryGetValue(name, out var targets)) _edges[name] = targets = new SortedDictionary<string, string>(StringComparer.Ordinal);
        return targets;
    }
}
