using System.Globalization;
using Surge.Replay.Reports;

namespace Surge.Cli.Simulation;

/// <summary>
/// <c>surge simulate-autoscale --html</c>: each policy's summary, then backlog, slots, pods requested and pods ready
/// over time, one chart each with a line a policy, so the policies compare at a glance.
/// </summary>
internal static class AutoscaleHtml
{
    private const int MaxPoints = 600;

    public static HtmlReport Build(string description, IReadOnlyList<SimulationResult> results)
    {
        var page = new HtmlReport("surge simulate-autoscale").Paragraph(description);
        page.Heading("Summary").Table("summary", ["policy", "p95 wait ms", "max backlog", "pod-seconds", "scale events", "time to drain s"],
            results.Select(r => (IReadOnlyList<string>)[r.Policy, F(r.P95WaitMs), F(r.MaxBacklog), F(r.PodSeconds), F(r.ScaleEvents), F(r.TimeToDrainS)]));
        page.Heading("Timeline")
            .Add(Over("Backlog (tasks queued)", "tasks", "backlog", results, s => s.Backlog))
            .Add(Over("Slots of the ready pods", "slots", "slots", results, s => s.Slots))
            .Add(Over("Pods requested", "pods", "pods-requested", results, s => s.PodsRequested))
            .Add(Over("Pods ready", "pods", "pods-ready", results, s => s.PodsReady));
        return page;
    }

    private static Chart Over(string title, string unit, string kind, IReadOnlyList<SimulationResult> results, Func<SimulationSample, int> value)
        => new(title, "simulated seconds", unit,
            [.. results.Select(r => new ChartSeries(r.Policy,
                Downsample.MinMax([.. (r.Samples ?? []).Select(s => new ChartPoint(s.AtS, value(s)))], MaxPoints), SeriesShape.Step))], Kind: kind);

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
