using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Surge.Client;

namespace Surge.Cluster.Tests;

/// <summary>Two silos; "capped" may run 15 at once across the cluster.</summary>
public sealed class CapFixture : IAsyncLifetime
{
    public const int Cap = 15;

    public SurgeCluster Surge { get; private set; } = null!;

    public async Task InitializeAsync() => Surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        [$"Surge:Policies:Types:{CappedHandler.Capped}:MaxRunning"] = $"{Cap}",
        ["Surge:Routing:TypePools:capped"] = "long",
        ["Surge:Routing:TypePools:simulate"] = "short",
    });

    public async Task DisposeAsync() => await Surge.DisposeAsync();
}

public class CapTests(CapFixture fixture) : IClassFixture<CapFixture>
{
    private readonly ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Cap_StormOf20000_NeverExceededWhileOtherTypesFlow()
    {
        const int storm = 20_000;
        var capped = CappedHandler.Of(CappedHandler.Capped);
        var before = capped.Completed;
        var submitting = Task.Run(() => Parallel.ForEachAsync(Enumerable.Range(0, storm), new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (_, ct) => await _client.SubmitAsync(TaskSpec.Create(CappedHandler.Capped), ct)));
        // How many wait at the gate at one instant depends on how far the 64 submitters are ahead of the cap: read once
        // at the 500th finish it was 948 to 4,132 on 2 cores, so the gauge is watched while the storm lasts.
        var seenWaiting = Eventually.TrueAsync(() => CapWaiting(CappedHandler.Capped) > 1_000,
            "operators to see the storm waiting for its cap (surge_cap_waiting above 1,000)", TimeSpan.FromMinutes(1));

        // Meanwhile, uncapped work runs start to finish.
        await Eventually.TrueAsync(() => capped.Completed - before >= 500, "500 of the storm's tasks done", TimeSpan.FromMinutes(1));
        var latencies = new ConcurrentBag<double>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var done = await _client.RunAsync(Simulated.Task(Guid.NewGuid().ToString("N"), 5), TimeSpan.FromSeconds(60), ct);
            Assert.Equal(TaskState.Succeeded, done.State);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        });
        var stormLeft = storm - (capped.Completed - before);
        Assert.True(stormLeft > 0, "the uncapped tasks should have run during the storm, not after it");

        await submitting;
        await seenWaiting;
        await Eventually.TrueAsync(() => capped.Completed - before >= storm, $"all {storm} of the storm's tasks done", TimeSpan.FromMinutes(3));
        Assert.Equal(storm, capped.Completed - before);
        Assert.Equal(CapFixture.Cap, capped.MaxConcurrent); // reached, never passed
    }

    // The silos' surge.cap.waiting gauges for one type, summed, as a scrape would read them now.
    private static long CapWaiting(string type)
    {
        long waiting = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Surge" && instrument.Name == "surge.cap.waiting") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "type" && (string?)tag.Value == type) Interlocked.Add(ref waiting, value);
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return waiting;
    }
}

/// <summary>"metered" may start 20 a second across the cluster: on a fake clock, so a second is one of the silos' own.</summary>
public class RateLimitTests
{
    private const int Rate = 20;

    [Fact]
    public async Task RateLimit_60Tasks_StartNoFasterThanTheLimit()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
        {
            [$"Surge:Policies:Types:{CappedHandler.Metered}:MaxStartsPerSecond"] = $"{Rate}",
            ["Surge:Autoscale:Enabled"] = "false",
        }, clock);
        var metered = CappedHandler.Of(CappedHandler.Metered);
        var before = metered.Completed;
        var submittedAt = clock.GetUtcNow();
        var ids = new List<string>();
        for (var i = 0; i < 60; i++) ids.Add((await surge.Client.SubmitAsync(TaskSpec.Create(CappedHandler.Metered))).Id);

        // Tokens come with the clock: it moves 50 ms (one lease sync) a look until all have run.
        await Eventually.TrueAsync(() =>
        {
            if (metered.Completed - before >= ids.Count) return true;
            clock.Advance(TimeSpan.FromMilliseconds(50));
            return false;
        }, $"{ids.Count} metered tasks run", TimeSpan.FromMinutes(1));

        var starts = new List<DateTimeOffset>();
        foreach (var id in ids)
        {
            var done = await surge.Client.WaitAsync(id, TimeSpan.FromSeconds(30));
            Assert.Equal(TaskState.Succeeded, done.State);
            starts.Add(done.StartedAt!.Value);
        }
        // A bucket of one second's worth: 60 starts at 20/s take at least two seconds, and no second holds more than 40.
        Assert.True(starts.Max() - submittedAt >= TimeSpan.FromSeconds(2), $"60 starts within {starts.Max() - submittedAt} of the clock");
        var busiest = starts.Max(s => starts.Count(t => t >= s && t < s + TimeSpan.FromSeconds(1)));
        Assert.True(busiest <= 2 * Rate, $"{busiest} starts within one second");
    }
}
