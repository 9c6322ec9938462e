using System.Diagnostics.Metrics;

namespace Surge.Cluster.Tests;

/// <summary>
/// A stopped silo's gauges end with it. They were published on the process-wide Surge meter, so in a process that hosts
/// one cluster after another every later reading of, say, surge.cap.slots also summed the stopped silos' last values
/// (RateLimitTests' silos still said they leased a "metered" slot during CapTests' storm).
/// </summary>
public class SiloGaugesTests
{
    [Fact]
    public async Task StopCluster_ItsSilosGauges_NoLongerPublished()
    {
        var before = SurgeGauges();
        var surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
        {
            [$"Surge:Policies:Types:{CappedHandler.Metered}:MaxStartsPerSecond"] = "20", // so its silos publish the cap gauges too
        });
        try
        {
            // Published when a silo becomes active, which DeployAsync waits for.
            var running = SurgeGauges();
            Assert.Equal(before["surge.pool.queued"] + 2, running["surge.pool.queued"]);
            Assert.Equal(before["surge.cap.slots"] + 2, running["surge.cap.slots"]);
        }
        finally
        {
            await surge.DisposeAsync();
        }

        Assert.Equal(before, SurgeGauges());
    }

    // The observable instruments of meters named Surge published now, counted by name (every silo has its own).
    private static SortedDictionary<string, int> SurgeGauges()
    {
        var names = new SortedDictionary<string, int>(StringComparer.Ordinal) { ["surge.pool.queued"] = 0, ["surge.cap.slots"] = 0 };
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == "Surge" && instrument.IsObservable)
                lock (names) names[instrument.Name] = names.GetValueOrDefault(instrument.Name) + 1;
        };
        listener.Start();
        return names;
    }
}
