using Surge.Autoscale;
using Surge.Cli.Simulation;

namespace Surge.Tests;

public class AutoscaleSimulatorTests
{
    // Like a generated burst: 10 s quiet, 20 s at ten times the rate, quiet again; sized for 8 slots at 70% busy in the burst.
    private static List<SimulatedTask> Burst(int n, int seed = 1, int slots = 8, double utilization = 0.7)
    {
        var rng = new Random(seed);
        const double MeanMs = 80;
        var baseRate = 0.2 * utilization * slots / MeanMs; // tasks a millisecond
        var tasks = new List<SimulatedTask>(n);
        double t = 0;
        while (tasks.Count < n)
        {
            var rate = baseRate * ((int)(t / 10_000) is 1 or 2 ? 10 : 1);
            t += -Math.Log(1 - rng.NextDouble()) / rate;
            tasks.Add(new SimulatedTask(t, -Math.Log(1 - rng.NextDouble()) * MeanMs));
        }
        return tasks;
    }

    private static SimulationResult[] RunAll(SimulationOptions options)
    {
        var tasks = Burst(6000);
        return
        [
            AutoscaleSimulator.Run(tasks, options, clock => new SurgePolicy(new AutoscaleOptions { MinReplicas = options.MinReplicas, MaxReplicas = options.MaxReplicas }, clock)),
            AutoscaleSimulator.Run(tasks, options, _ => new StaticMaxPolicy()),
            AutoscaleSimulator.Run(tasks, options, _ => new QueueProportionalPolicy(options.SlotsPerPod)),
        ];
    }

    [Fact]
    public void Run_Burst_SurgeCheaperThanBothAndWaitsNoLongerThanQueueProportional()
    {
        var (surge, max, keda) = RunAll(new SimulationOptions()) is [var a, var b, var c] ? (a, b, c) : throw new InvalidOperationException();
        Assert.True(surge.PodSeconds < max.PodSeconds, $"surge {surge.PodSeconds} vs static-max {max.PodSeconds} pod-seconds");
        Assert.True(surge.PodSeconds <= keda.PodSeconds, $"surge {surge.PodSeconds} vs queue-proportional {keda.PodSeconds} pod-seconds");
        Assert.True(surge.P95WaitMs <= keda.P95WaitMs, $"surge p95 {surge.P95WaitMs} vs queue-proportional {keda.P95WaitMs} ms");
        Assert.InRange(surge.ScaleEvents, 0, 2);
    }

    [Fact]
    public void Run_StaticMax_NeverScalesAndPaysForEveryPod()
    {
        var max = RunAll(new SimulationOptions { MaxReplicas = 4 })[1];
        Assert.Equal(0, max.ScaleEvents);
        Assert.True(max.PodSeconds >= 4 * 200, $"{max.PodSeconds}");
    }

    [Fact]
    public void Run_LongSaturation_SurgeAsksForPodsByForecastNotAfterAWindow()
    {
        // Three times what even full in-silo concurrency can run, for five minutes: pods are the only way out, and the
        // queued work says so within seconds (issue 16: the old policy still had one pod at t = 60 s).
        var rng = new Random(2);
        var tasks = Enumerable.Range(0, 30_000).Select(i => new SimulatedTask(i * 10.0, 1_000 + rng.NextDouble() * 200)).ToList();
        var result = AutoscaleSimulator.Run(tasks, new SimulationOptions(), clock => new SurgePolicy(new AutoscaleOptions(), clock));
        Assert.InRange(result.ScaleEvents, 1, 2);
        Assert.Contains(result.Timeline, line => line.StartsWith("t=   20s", StringComparison.Ordinal) && !line.Contains("pods= 1 "));
    }

    [Fact]
    public void Run_SustainedBurst_SurgeAsksOnceAndPaysUnderAThirdOfStaticMax()
    {
        // The burst's excess outlasts a pod start at full in-silo concurrency: one step up, ready before it drains.
        var tasks = Burst(40_000, seed: 3, slots: 64, utilization: 0.9);
        var options = new SimulationOptions();
        var surge = AutoscaleSimulator.Run(tasks, options, clock => new SurgePolicy(new AutoscaleOptions { PodStartDelay = options.PodStartDelay }, clock));
        var max = AutoscaleSimulator.Run(tasks, options, _ => new StaticMaxPolicy());
        var oracle = OraclePolicy.Run(tasks, options);
        Assert.Equal(1, surge.ScaleEvents);
        Assert.True(surge.PodSeconds <= 0.35 * max.PodSeconds, $"surge {surge.PodSeconds} vs static-max {max.PodSeconds} pod-seconds");
        Assert.True(oracle.P95WaitMs <= surge.P95WaitMs, $"oracle {oracle.P95WaitMs} vs surge {surge.P95WaitMs} ms");
    }

    [Fact]
    public void OracleRun_PodsCannotHelp_AsksForNone()
    {
        var tasks = Burst(6000);
        var oracle = OraclePolicy.Run(tasks, new SimulationOptions());
        Assert.Equal(0, oracle.ScaleEvents);
    }
}
