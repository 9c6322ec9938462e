namespace Surge.Replay.Reports;

/// <summary>One point of a chart's series, in data units.</summary>
public readonly record struct ChartPoint(double X, double Y);

/// <summary>How a series joins its points: straight lines, or steps that hold a value until the next point (counts over time).</summary>
public enum SeriesShape
{
    Line,
    Step,
}

/// <summary>One named line of a chart. <see cref="Colour"/>: its index in the palette, so one run keeps its colour from chart
/// to chart; by default its place in the chart.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points, SeriesShape Shape = SeriesShape.Line, int? Colour = null);

/// <summary>What a chart shows. <see cref="Kind"/> tags the drawn SVG (<c>data-kind</c>) so tests and scripts can find it.</summary>
/// <param name="LogX">A logarithmic x axis: latencies span milliseconds to minutes, and a CDF on a linear axis hides the short ones.</param>
public sealed record Chart(string Title, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series, string Kind = "line", bool LogX = false,
    double? YMax = null);
