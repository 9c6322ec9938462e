using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Surge.Entities;
using Surge.Tasks;
using Surge.Telemetry;

namespace Surge.Tests;

/// <summary>
/// The W3C traceparent a task keeps: parsed and checked as W3C says, and carried unchanged through every form its
/// record and its entity's book are stored in (Orleans' serializer for Redis, its copier for grain storage, references
/// in memory).
/// </summary>
public class TraceParentTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static readonly IServiceProvider Orleans = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(TaskRecord).Assembly).AddAssembly(typeof(TaskSpec).Assembly))
        .BuildServiceProvider();

    private static TaskRecord Record() => new()
    {
        Spec = TaskSpec.Create("simulate", id: "t1") with { TraceParent = TraceParent },
        State = TaskState.Retrying,
        Attempts = 1,
        NextAttemptAt = DateTimeOffset.UnixEpoch.AddDays(2),
    };

    [Fact]
    public void TryParseTraceParent_W3C_ReadsTraceSpanAndFlags()
    {
        Assert.True(SurgeTracing.TryParseTraceParent(TraceParent, out var context));
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", context.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
        Assert.True(context.IsRemote);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a traceparent")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")] // an all-zero trace id is invalid
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")] // and so is an all-zero span id
    [InlineData("00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01")] // a hex digit short
    public void TryParseTraceParent_NullOrMalformed_FalseAndNoParent(string? traceParent)
    {
        Assert.False(SurgeTracing.TryParseTraceParent(traceParent, out var context));
        Assert.Equal(default, context);
    }

    [Fact]
    public void TraceParentOf_ActivityId_RoundTripsToTheSameContext()
    {
        using var activity = new Activity("submit").SetIdFormat(ActivityIdFormat.W3C).Start();
        var traceParent = SurgeTracing.TraceParentOf(activity);

        Assert.True(SurgeTracing.TryParseTraceParent(traceParent, out var context));
        Assert.Equal((activity.TraceId, activity.SpanId), (context.TraceId, context.SpanId));
    }

    [Fact]
    public void TraceParentOf_NoSpanAnywhere_Null()
    {
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            Assert.Null(SurgeTracing.TraceParentOf(null));
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    [Fact]
    public void Validate_WellFormedTraceParent_Accepted()
        => TaskValidator.Validate(TaskSpec.Create("simulate") with { TraceParent = TraceParent });

    [Theory]
    [InlineData("0af7651916cd43dd8448eb211c80319c")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331")]
    public void Validate_MalformedTraceParent_NamesTheField(string traceParent)
    {
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(TaskSpec.Create("simulate") with { TraceParent = traceParent }));
        Assert.Equal("traceParent", e.Field);
        Assert.Contains("W3C traceparent", e.Message);
    }

    [Fact]
    public void Validate_HugeTraceParent_RefusedWithoutEchoingIt()
    {
        var huge = TraceParent + new string('-', 10_000);
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(TaskSpec.Create("simulate") with { TraceParent = huge }));
        Assert.Equal("traceParent", e.Field);
        Assert.True(e.Message.Length < 400, e.Message);
    }

    [Fact]
    public void Serializer_TaskRecord_KeepsTheTraceParent()
    {
        var serializer = Orleans.GetRequiredService<Serializer<TaskRecord>>();
        var loaded = serializer.Deserialize(serializer.SerializeToArray(Record()))!;

        Assert.Equal(TraceParent, loaded.Spec.TraceParent);
        Assert.Equal((TaskState.Retrying, 1), (loaded.State, loaded.Attempts));
    }

    [Fact]
    public void Serializer_TaskRecordWithoutTraceParent_LoadsAsNone()
    {
        var serializer = Orleans.GetRequiredService<Serializer<TaskRecord>>();
        var loaded = serializer.Deserialize(serializer.SerializeToArray(Record() with { Spec = TaskSpec.Create("simulate", id: "t1") }))!;
        Assert.Null(loaded.Spec.TraceParent);
    }

    [Fact]
    public async Task InMemoryTaskStore_SaveThenLoad_KeepsTheTraceParent()
    {
        var store = new InMemoryTaskStore();
        await store.SaveAsync(await store.ClaimAsync(3), [Record()]);
        Assert.Equal(TraceParent, Assert.Single(await store.LoadAsync(3)).Spec.TraceParent);
    }

    [Fact]
    public void SerializerAndCopier_EntityBook_KeepTheEventsTraceParents()
    {
        var held = EntityEvent.Of(TaskSpec.Create("simulate", id: "held") with { TraceParent = TraceParent })with { Event = "finished", After = "started" };
        var running = EntityEvent.Of(TaskSpec.Create("simulate", id: "running") with { TraceParent = TraceParent });
        var book = new EntityRecord { Running = running, Pending = [new HeldEvent(held, DateTimeOffset.UnixEpoch)] };

        var serializer = Orleans.GetRequiredService<Serializer<EntityRecord>>();
        var stored = serializer.Deserialize(serializer.SerializeToArray(book))!; // the Redis book store
        var copied = Orleans.GetRequiredService<DeepCopier<EntityRecord>>().Copy(book); // grain storage in memory

        foreach (var loaded in new[] { stored, copied })
        {
            Assert.Equal(TraceParent, loaded.Running!.TraceParent);
            Assert.Equal(TraceParent, Assert.Single(loaded.Pending).Event.TraceParent);
        }
    }

    [Fact]
    public void StartDetached_Listened_LeavesTheCallersCurrentSpanAlone()
    {
        using var listener = Listen();
        using var ambient = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();

        var span = SurgeTracing.StartDetached(SurgeTracing.DispatchSpan, ActivityKind.Internal, TraceParent, "t1");
        Assert.Same(ambient, Activity.Current);
        Assert.NotNull(span);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", span.TraceId.ToHexString()); // under the task's trace, not the caller's
        Assert.Equal("t1", span.GetTagItem(SurgeTracing.TaskIdTag));

        SurgeTracing.StopDetached(span);
        Assert.Same(ambient, Activity.Current);
        Assert.True(span.IsStopped);
    }

    [Fact]
    public void TraceIdOf_NoSpan_ReadsTheTasksTraceParent()
    {
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", TaskSpans.TraceIdOf(null, TraceParent));
        Assert.Null(TaskSpans.TraceIdOf(null, null));
    }

    internal static ActivityListener Listen()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SurgeTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
