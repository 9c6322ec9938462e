using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orleans.Runtime.Messaging;
using Surge.Client;
using Surge.Series;
using Surge.Tasks;

namespace Surge.Hosting;

/// <summary>
/// What the status page reads beyond <c>/api/status</c>: a task's whole status, the lists, an entity's tasks and the
/// schedules (<c>/surge/api</c>, <see cref="SurgeHttpExtensions.OperatePolicy"/>: they show any client's tasks), and
/// the charts (<c>/surge/api/charts</c>, as open as <c>/surge</c>: counts and latencies only).
/// </summary>
internal static class OperatorReads
{
    /// <summary>How much of a result the task page shows.</summary>
    public const int MaxResultBytes = 4_096;

    public static void MapSurgeOperatorReads(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/surge/tasks/{id}", (string id) => Results.Content(TaskPage.Html, "text/html; charset=utf-8"))
            .ExcludeFromDescription().RequireAuthorization(SurgeHttpExtensions.OperatePolicy);
        endpoints.MapGet("/surge/assets/surge.js", () => Results.Text(PageAssets.Script, "text/javascript; charset=utf-8"))
            .ExcludeFromDescription().RequireAuthorization(SurgeHttpExtensions.AuthorizationPolicy);
        endpoints.MapGet("/surge/api/charts", ReadChartsAsync).ExcludeFromDescription().RequireAuthorization(SurgeHttpExtensions.AuthorizationPolicy);
        var api = endpoints.MapGroup("/surge/api").ExcludeFromDescription().RequireAuthorization(SurgeHttpExtensions.OperatePolicy);
        api.MapGet("tasks/{id}", ReadTaskAsync);
        api.MapGet("lists/{list}", ReadListAsync);
        api.MapGet("entities/{key}", ReadEntityAsync);
        api.MapGet("schedules", async (ISurgeClient surge, CancellationToken ct) => Results.Json(
            (await surge.GetSchedulesAsync(ct)).OrderBy(s => s.Spec.Name, StringComparer.Ordinal)
                .Select(s => new ScheduleView(s.Spec.Name, s.Spec.Cron, s.Spec.Wave is { } w ? $"wave {w.Flow}/{w.State}" : s.Spec.Type, s.LastFired, s.NextFire, s.Paused)),
            ClusterStatus.Json));
    }

    /// <summary>
    /// A 400 naming <paramref name="field"/> when a route value is blank (<c>%20</c>), which the client and the grains
    /// refuse with an <see cref="ArgumentException"/> (a 500 with no body); null when it is not.
    /// </summary>
    public static IResult? RefuseBlank(string field, string value, string example) => string.IsNullOrWhiteSpace(value)
        ? Results.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal)
            { [field] = [$"must not be empty; put it in the path, e.g. {example} (a slash in it escaped as %2F)"] }, title: "Bad path")
        : null;

    private static async Task<IResult> ReadTaskAsync(string id, HttpContext http, ISurgeClient surge, CancellationToken ct)
    {
        if (RefuseBlank("id", id = RawRoute.Value(http, id), "/surge/api/tasks/order-42") is { } blank) return blank;
        return await surge.GetStatusAsync(id, ct) is { } status ? Results.Json(TaskDetail.Of(status), ClusterStatus.Json)
            : Results.Problem(title: "not found", detail: $"no task '{id}' (finished tasks are kept for Surge:Tasks:Retention)", statusCode: StatusCodes.Status404NotFound);
    }

    // The limit is read here rather than bound: a bound int? refuses "many" or 99999999999 with an empty 400.
    private static int? ParseLimit(string? limit)
        => string.IsNullOrWhiteSpace(limit) ? TaskLists.DefaultLimit
            : int.TryParse(limit, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var rows) ? rows : null;

    private static async Task<IResult> ReadListAsync(string list, string? type, string? after, string? limit, TaskLists lists, CancellationToken ct)
    {
        if (ParseLimit(limit) is not { } rows)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal)
                { ["limit"] = [$"'{limit}' is not a whole number; give 1 to {TaskIndex.MaxPage} rows a page, or omit it for {TaskLists.DefaultLimit}"] },
                title: "Bad query parameter");
        }
        if (!Enum.TryParse<TaskList>(list.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var which) || !Enum.IsDefined(which))
            return Results.Problem(title: "no such list", detail: $"'{list}' is not one of dead-letters, retrying, held, queued, running", statusCode: StatusCodes.Status404NotFound);
        TaskListKey? cursor;
        try
        {
            cursor = TaskListKey.FromCursor(after);
        }
        catch (SurgeValidationException e)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["after"] = [e.Message] });
        }
        var page = await lists.ReadAsync(new TaskListQuery(which, string.IsNullOrWhiteSpace(type) ? null : type.Trim(), cursor, rows), scan: false, ct);
        return Results.Json(new
        {
            rows = page.Rows.Select(r => new { id = r.Id, r.Type, r.State, r.Attempts, r.SubmittedAt, r.At, r.Error, r.Entity, pool = r.Pool?.Name() }),
            next = page.Next,
            missing_shards = page.MissingShards,
        }, ClusterStatus.Json);
    }

    // Every shard's tasks of the entity, from each shard's entity index, in the entity's order: by sequence when it
    // has one, else by submission.
    private static async Task<IResult> ReadEntityAsync(string key, HttpContext http, IGrainFactory grains, TimeProvider time, CancellationToken ct)
    {
        if (RefuseBlank("key", key = RawRoute.Value(http, key), "/surge/api/entities/build%2F42") is { } blank) return blank;
        var book = ReadBookAsync(grains, key, time, ct);
        var answers = await Task.WhenAll(Enumerable.Range(0, TaskShards.Count).Select(async shard =>
        {
            try
            {
                return await grains.GetGrain<ITaskShardLists>(shard).GetEntityTasksAsync(key).WaitAsync(TaskLists.PerShardTimeout, time, ct);
            }
            catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException)
            {
                return null;
            }
        }));
        var tasks = answers.OfType<TaskStatus[]>().SelectMany(t => t).OrderBy(t => t.Sequence ?? long.MaxValue).ThenBy(t => t.SubmittedAt)
            .ThenBy(t => t.Id, StringComparer.Ordinal).Select(t => new
            {
                t.Id, t.Type, t.State, t.Event, t.After, t.Sequence, t.SubmittedAt, t.StartedAt, t.FinishedAt, t.Attempts, t.Error,
            }).ToArray();
        return Results.Json(new { entity = key, book = await book, tasks, missing_shards = answers.Count(a => a is null) }, ClusterStatus.Json);
    }

    // The entity's own book: what runs now and what waits, in release order. Null when its shard does not answer.
    private static async Task<Entities.EntityBookView?> ReadBookAsync(IGrainFactory grains, string key, TimeProvider time, CancellationToken ct)
    {
        try
        {
            return await grains.GetGrain<Entities.IEntityShardGrain>(Entities.EntityShards.For(key)).GetBookAsync(key).WaitAsync(TaskLists.PerShardTimeout, time, ct);
        }
        catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException)
        {
            return null;
        }
    }

    private static async Task<IResult> ReadChartsAsync(IGrainFactory grains, IClusterMembershipService membership, TimeProvider time, CancellationToken ct)
    {
        var silos = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString()).ToArray();
        var answers = await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                return await grains.GetGrain<ISiloSeriesGrain>(silo).GetAsync().WaitAsync(SiloSummaries.PerSiloTimeout, time, ct);
            }
            catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException)
            {
                return null;
            }
        }));
        return Results.Json(new { period_s = SeriesSampler.Period.TotalSeconds, points = ChartPoints.Merge(answers.OfType<SiloSeries>()) }, ClusterStatus.Json);
    }
}

/// <summary>A task as its page shows it: its status, its result cut at <see cref="OperatorReads.MaxResultBytes"/>, and its trace id.</summary>
internal sealed record TaskDetail(TaskStatus Status, string? ResultText, bool ResultCut, string? TraceId)
{
    public static TaskDetail Of(TaskStatus s)
    {
        var bytes = s.Result.Span;
        var cut = bytes.Length > OperatorReads.MaxResultBytes;
        var text = bytes.IsEmpty ? null : Encoding.UTF8.GetString(cut ? bytes[..OperatorReads.MaxResultBytes] : bytes);
        // W3C traceparent: version-traceid-parentid-flags.
        var trace = s.TraceParent?.Split('-') is { Length: 4 } parts ? parts[1] : null;
        return new(s with { Result = ReadOnlyMemory<byte>.Empty }, text, cut, trace);
    }
}

/// <summary>A schedule as the status page lists it.</summary>
internal sealed record ScheduleView(string Name, string Cron, string What, DateTimeOffset? LastFired, DateTimeOffset? NextFire, bool Paused);

/// <summary>
/// The cluster's chart points from every silo's ring: samples of one period are one point. Throughput, queue, running
/// and slots add up over silos; replicas is the most any silo saw; a sojourn percentile is the worst silo's (percentiles
/// of different silos do not add up, and the worst is what an operator looks for); routing accuracy is the silos' mean.
/// </summary>
internal static class ChartPoints
{
    public static ChartPoint[] Merge(IEnumerable<SiloSeries> silos)
    {
        var period = SeriesSampler.Period.Ticks;
        return [.. silos.SelectMany(s => s.Points).GroupBy(p => p.At.UtcTicks / period).OrderBy(g => g.Key).Select(g => new ChartPoint(
            new DateTimeOffset(g.Key * period, TimeSpan.Zero),
            g.Sum(p => p.Throughput),
            Worst(g, p => p.Short?.P50), Worst(g, p => p.Short?.P95), Worst(g, p => p.Short?.P99),
            Worst(g, p => p.Long?.P50), Worst(g, p => p.Long?.P95), Worst(g, p => p.Long?.P99),
            g.Sum(p => p.Queued), g.Sum(p => p.Running), g.Sum(p => p.Slots), g.Max(p => p.Replicas),
            g.Where(p => p.RoutingAccuracy is not null).Select(p => p.RoutingAccuracy!.Value).DefaultIfEmpty(double.NaN).Average() is var a && double.IsNaN(a) ? null : a))];
    }

    private static double? Worst(IEnumerable<SeriesPoint> points, Func<SeriesPoint, double?> of) => points.Max(of);
}

/// <summary>One point of the status page's charts (seconds for sojourns, tasks per second for throughput).</summary>
internal sealed record ChartPoint(DateTimeOffset At, double Throughput, double? ShortP50, double? ShortP95, double? ShortP99,
    double? LongP50, double? LongP95, double? LongP99, int Queued, int Running, int Slots, int Replicas, double? RoutingAccuracy);
