using System.Globalization;
using System.Net;
using System.Text;

namespace Surge.Replay.Reports;

/// <summary>
/// A report page that stands alone: one HTML file with its styles and its charts' SVG inline, nothing fetched, so it
/// opens offline, from a CI artifact or an e-mail attachment alike. Sections, paragraphs, tables and charts, in the
/// order they are added.
/// </summary>
public sealed class HtmlReport(string title)
{
    private readonly StringBuilder _body = new();

    public HtmlReport Heading(string text)
    {
        _body.Append("<h2>").Append(Text(text)).Append("</h2>\n");
        return this;
    }

    public HtmlReport Paragraph(string text)
    {
        _body.Append("<p>").Append(Text(text)).Append("</p>\n");
        return this;
    }

    public HtmlReport Add(Chart chart)
    {
        _body.Append(SvgChart.Render(chart)).Append('\n');
        return this;
    }

    /// <summary>A table of <paramref name="rows"/>; <paramref name="id"/> names it for scripts and tests.</summary>
    public HtmlReport Table(string id, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.Append(CultureInfo.InvariantCulture, $"""<table id="{Text(id)}"><thead><tr>""");
        foreach (var h in headers) _body.Append("<th>").Append(Text(h)).Append("</th>");
        _body.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            _body.Append("<tr>");
            foreach (var cell in row) _body.Append("<td>").Append(Text(cell)).Append("</td>");
            _body.Append("</tr>");
        }
        _body.Append("</tbody></table>\n");
        return this;
    }

    public string Render() => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{{Text(title)}}</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 60em; padding: 0 1em; color: #222; }
        h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; margin: .5em 0; font-variant-numeric: tabular-nums; display: block; overflow-x: auto; max-width: 100%; }
        th, td { border: 1px solid #ddd; padding: .2em .6em; text-align: right; } th { background: #f4f4f4; }
        td:first-child, th:first-child { text-align: left; }
        figure.chart { margin: 1em 0; } figure.chart figcaption { font-weight: 600; }
        svg { max-width: 100%; height: auto; font-size: 11px; } svg .grid line { stroke: #e6e6e6; } svg text { fill: #555; }
        svg .axis { fill: #222; font-size: 12px; }
        ul.legend { list-style: none; padding: 0; margin: .2em 0 0 4em; display: flex; flex-wrap: wrap; gap: .3em 1.2em; }
        ul.legend span { display: inline-block; width: 1.2em; height: .35em; margin-right: .4em; vertical-align: middle; }
        </style>
        </head>
        <body>
        <h1>{{Text(title)}}</h1>
        {{_body}}</body>
        </html>

        """;

    public Task WriteAsync(string path, CancellationToken cancellationToken = default) => File.WriteAllTextAsync(path, Render(), cancellationToken);

    private static string Text(string text) => WebUtility.HtmlEncode(text);
}
