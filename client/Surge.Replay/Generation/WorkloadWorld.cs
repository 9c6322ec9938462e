namespace Surge.Replay.Generation;

/// <summary>
/// Customers and data sources with hidden speed and size factors. A data task's duration depends on its customer's
/// size and its source's speed, not on its type alone: a per-type table cannot tell short from long, a model of the
/// features can. Every draw and every float operation follows the reference generator's <c>World</c>, in its order.
/// </summary>
internal sealed class WorkloadWorld
{
    public static readonly string[] Sources = ["adwords", "facebook", "tiktok", "snapchat", "twitter", "linkedin",
        "applovin", "unity", "ironsource", "appsflyer", "adjust", "reddit"];

    private static readonly int[] BytesPerRowChoices = [120, 240, 480, 900];

    private readonly Dictionary<string, double> _speed = [];          // rows a second a source delivers
    private readonly Dictionary<string, int> _bytesPerRow = [];
    private readonly Dictionary<string, long> _rows = [];             // customer size in rows: heavy tailed
    private readonly string[] _customers;

    public WorkloadWorld(int seed, double shift, int customers = 240)
    {
        var random = new WorkloadRandom(seed * 7919L + 17);
        foreach (var source in Sources) _speed[source] = Math.Exp(random.Gauss(Math.Log(60_000), 0.8 + shift));
        foreach (var source in Sources) _bytesPerRow[source] = random.Choice(BytesPerRowChoices);
        // Python's int() has no ceiling; a row count past long would be a different world, so fail instead.
        for (var i = 0; i < customers; i++) _rows[$"c{i:000}"] = checked((long)(2_000 * random.Pareto(1.1 + shift)));
        _customers = [.. _rows.Keys.Order(StringComparer.Ordinal)];
    }

    public GeneratedTask Task(WorkloadRandom random, int i, double atMs)
    {
        var r = random.Next();
        var kind = r < 0.45 ? "report" : r < 0.65 ? "notify" : r < 0.88 ? "fetch" : "enrich";
        var customer = random.Choice(_customers);
        var source = random.Choice(Sources);
        var rows = _rows[customer];
        var hour = (int)((atMs / 3_600_000 + random.Next() * 24) % 24);
        var rowsYesterday = checked((long)(rows * Math.Exp(random.Gauss(0, 0.12)))); // what the producer knows: off by up to ~25%
        var noise = Math.Exp(random.Gauss(0, 0.25));
        double duration, memory;
        if (kind == "report")
        {
            duration = 4 + random.Next() * 10;
            memory = 16 + random.Next() * 8;
        }
        else if (kind == "notify")
        {
            duration = 2 + random.Next() * 6;
            memory = 8 + random.Next() * 4;
        }
        else
        {
            var work = rows / _speed[source] * 1000.0; // ms of pure transfer
            if (kind == "enrich") work *= 0.35;
            if (hour is >= 8 and <= 18) work *= 1.3; // peak hours are slower
            duration = 3 + work * noise;
            // Python multiplies the ints exactly and rounds the product once to a float: so does Int128.
            memory = 24 + (double)((Int128)rows * _bytesPerRow[source]) / 1e6 * noise;
        }
        return new GeneratedTask($"t-{i:000000}", (long)atMs, kind, null, null, null,
            new Dictionary<string, object> { ["source"] = source, ["customer"] = customer, ["rows_yesterday"] = rowsYesterday, ["hour"] = hour },
            PythonFloat.Round(Math.Min(duration, 6_000.0), 1), PythonFloat.Round(Math.Min(memory, 4_096.0), 1));
    }
}
