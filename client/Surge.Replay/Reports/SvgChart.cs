using System.Globalization;
using System.Net;
using System.Text;

namespace Surge.Replay.Reports;

/// <summary>
/// Draws a <see cref="Chart"/> as inline SVG: axes with round ticks, one path a series, and a legend. Hand-written
/// rather than a plotting library's: see docs/reports.md (ScottPlot's SVG needs SkiaSharp's native assets in the tool).
/// </summary>
public static class SvgChart
{
    public const int Width = 760, Height = 300;
    private const int Left = 64, Right = 16, Top = 12, Bottom = 44;

    /// <summary>Colours that stay apart for the eye and in greyscale print; series past the last reuse them in order.</summary>
    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

    public static string Render(Chart chart)
    {
        var drawn = chart.Series.Where(s => s.Points.Count > 0).ToList();
        var all = drawn.SelectMany(s => s.Points).ToList();
        var x = Axis(all.Select(p => p.X), chart.LogX);
        var y = Axis(all.Select(p => p.Y).Append(0), logarithmic: false, chart.YMax);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<figure class="chart"><figcaption>{Text(chart.Title)}</figcaption>""");
        svg.Append(CultureInfo.InvariantCulture,
            $"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {Width} {Height}" width="{Width}" height="{Height}" role="img" data-kind="{Text(chart.Kind)}" aria-label="{Text(chart.Title)}">""");
        if (all.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Width / 2}" y="{Height / 2}" text-anchor="middle" class="empty">no data</text>""");
        }
        else
        {
            Grid(svg, x, y, chart);
            for (var i = 0; i < drawn.Count; i++) Path(svg, drawn[i], Palette[ColourOf(drawn, i) % Palette.Length], Dashed(ColourOf(drawn, i)), x, y);
        }
        svg.Append("</svg>");
        svg.Append("""<ul class="legend">""");
        for (var i = 0; i < drawn.Count; i++)
        {
            var colour = ColourOf(drawn, i);
            var swatch = (Dashed(colour) ? "border-top:3px dashed " : "background:") + Palette[colour % Palette.Length];
            svg.Append(CultureInfo.InvariantCulture, $"""<li><span style="{swatch}"></span>{Text(drawn[i].Name)}</li>""");
        }
        svg.Append("</ul></figure>");
        return svg.ToString();
    }

    private static void Grid(StringBuilder svg, Scale x, Scale y, Chart chart)
    {
        var (x0, x1, y0, y1) = (Left, Width - Right, Height - Bottom, Top);
        svg.Append("""<g class="grid">""");
        foreach (var t in x.Ticks)
        {
            var px = x.Map(t, x0, x1);
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{px:0.#}" y1="{y1}" x2="{px:0.#}" y2="{y0}"/><text x="{px:0.#}" y="{y0 + 16}" text-anchor="middle">{AxisTicks.Label(t)}</text>""");
        }
        foreach (var t in y.Ticks)
        {
            var py = y.Map(t, y0, y1);
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{x0}" y1="{py:0.#}" x2="{x1}" y2="{py:0.#}"/><text x="{x0 - 6}" y="{py + 4:0.#}" text-anchor="end">{AxisTicks.Label(t)}</text>""");
        }
        svg.Append("</g>");
        svg.Append(CultureInfo.InvariantCulture, $"""<text class="axis" x="{(x0 + x1) / 2}" y="{Height - 6}" text-anchor="middle">{Text(chart.XLabel)}</text>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text class="axis" transform="translate(14 {(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">{Text(chart.YLabel)}</text>""");
    }

    private static int ColourOf(List<ChartSeries> drawn, int i) => drawn[i].Colour ?? i;

    // Past the palette's colours, the same colours dashed: a second round of lines must not pass for the first.
    private static bool Dashed(int series) => series / Palette.Length % 2 == 1;

    private static void Path(StringBuilder svg, ChartSeries series, string colour, bool dashed, Scale x, Scale y)
    {
        var (x0, x1, y0, y1) = (Left, Width - Right, Height - Bottom, Top);
        svg.Append(CultureInfo.InvariantCulture, $"""<path class="series" fill="none" stroke="{colour}" stroke-width="1.6"{(dashed ? " stroke-dasharray=\"6 3\"" : "")} data-series="{Text(series.Name)}" data-points="{series.Points.Count}" d="M""");
        for (var i = 0; i < series.Points.Count; i++)
        {
            var (px, py) = (x.Map(series.Points[i].X, x0, x1), y.Map(series.Points[i].Y, y0, y1));
            if (i == 0) svg.Append(CultureInfo.InvariantCulture, $"{px:0.##} {py:0.##}");
            else if (series.Shape == SeriesShape.Step) svg.Append(CultureInfo.InvariantCulture, $" H{px:0.##} V{py:0.##}");
            else svg.Append(CultureInfo.InvariantCulture, $" L{px:0.##} {py:0.##}");
        }
        svg.Append("\"><title>").Append(Text(series.Name)).Append("</title></path>");
    }

    private static Scale Axis(IEnumerable<double> values, bool logarithmic, double? max = null)
    {
        var finite = values.Where(v => double.IsFinite(v) && (!logarithmic || v > 0)).ToList();
        if (finite.Count == 0) return logarithmic ? new Scale([1, 10], true) : new Scale([0, 1], false);
        var ticks = logarithmic ? AxisTicks.Log(finite.Min(), finite.Max()) : AxisTicks.Linear(finite.Min(), max ?? finite.Max());
        return new Scale(ticks, logarithmic);
    }

    /// <summary>An axis spanning its first to its last tick; a log axis puts values at or below 0 at its left edge.</summary>
    private sealed record Scale(double[] Ticks, bool Logarithmic)
    {
        public double Map(double value, double from, double to)
        {
            double Of(double v) => Logarithmic ? Math.Log10(Math.Max(v, Ticks[0])) : v;
            var (low, high) = (Of(Ticks[0]), Of(Ticks[^1]));
            var share = high == low ? 0 : (Of(value) - low) / (high - low);
            return from + Math.Clamp(share, 0, 1) * (to - from);
        }
    }

    private static string Text(string text) => WebUtility.HtmlEncode(text);
}
