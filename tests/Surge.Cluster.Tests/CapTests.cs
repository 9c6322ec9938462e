using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Surge.Client;

namespace Surge.Cluster.Tests;

/// <summary>Two silos; "capped" may run 15 at once across the cluster, "metered" may start 20 a second.</summary>
public sealed class CapFixture : IAsyncLifetime
{
    public const int Cap = 15;
    public const int Rate = 20;

    public SurgeCluster Surge { get; private set; } = null!;

    public async Task InitializeAsync() => Surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        [$"Surge:Policies:Types:{CappedHandler.Capped}:MaxRunning"] = $"{Cap}",
        [$"Surge:Policies:Types:{CappedHandler.Metered}:MaxStartsPerSecond"] = $"{Rate}",
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

        // Meanwhile, uncapped work runs start to finish.
        while (capped.Completed - before < 500) await Task.Delay(10);
        Assert.True(CapWaiting(CappedHandler.Capped) > 1_000, "operators should see the storm waiting for its cap (surge_cap_waiting)");
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
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (capped.Completed - before < storm && DateTime.UtcNow < deadline) await Task.Delay(50);
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

    [Fact]
    public async Task RateLimit_60Tasks_StartNoFasterThanTheLimit()
    {
        var starts = new List<long>();
        var ids = new List<string>();
        var metered = CappedHandler.Of(CappedHandler.Metered);
        var mark = metered.StartedAt.Count;
        for (var i = 0; i < 60; i++) ids.Add((await _client.SubmitAsync(TaskSpec.Create(CappedHandler.Metered))).Id);
        var clock = Stopwatch.StartNew();
        foreach (var id in ids) Assert.Equal(TaskState.Succeeded, (await _client.WaitAsync(id, TimeSpan.FromSeconds(60))).State);

        // A bucket of one second's worth: 60 starts at 20/s take at least two seconds, and no second holds more than 40.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"60 starts in {clock.Elapsed}");
        starts.AddRange(metered.StartedAt.Skip(mark).Order());
        var busiest = starts.Max(s => starts.Count(t => t >= s && t < s + Stopwatch.Frequency));
        Assert.True(busiest <= 2 * CapFixture.Rate, $"{busiest} starts within one second");
    }
}
