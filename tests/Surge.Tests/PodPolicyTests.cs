using Microsoft.Extensions.Time.Testing;
using Surge.Autoscale;

namespace Surge.Tests;

public class PodPolicyTests
{
    private const int PerPod = 32;
    private readonly FakeTimeProvider _time = new();
    private readonly AutoscaleOptions _options = new() { MinReplicas = 1, MaxReplicas = 10 };

    // A cluster of pods that start PodStartDelay after they are asked for, each running up to 32 slots, fed once a
    // second with the work arriving (slot-seconds per second); it records what the policy decided.
    private sealed class Cluster(PodPolicy policy, FakeTimeProvider time, AutoscaleOptions options, int replicas = 1)
    {
        private readonly List<DateTimeOffset> _readyAt = [.. Enumerable.Repeat(time.GetUtcNow(), replicas)];
        public double Queued { get; private set; }
        public List<AutoscaleDecision> Decisions { get; } = [];
        public int Replicas => _readyAt.Count;
        public int Ready => _readyAt.Count(r => r <= time.GetUtcNow());

        public void Run(int seconds, Func<int, double> arriving)
        {
            for (var t = 0; t < seconds; t++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                var a = arriving(t);
                Queued = Math.Max(0, Queued + a - Ready * PerPod);
                var load = new PodLoad(Replicas, Ready, Queued > 0 ? (int)Math.Ceiling(Queued * 10) : 0, Queued, a, Ready * PerPod,
                    Demand: Math.Min(a, Ready * PerPod), Ceiling: Ready * PerPod, Saturated: Queued > 0);
                if (policy.Decide(load) is not { } d) continue;
                Decisions.Add(d);
                if (d.To > Replicas) _readyAt.AddRange(Enumerable.Repeat(time.GetUtcNow() + options.PodStartDelay, d.To - Replicas));
                else _readyAt.RemoveRange(d.To, Replicas - d.To);
            }
        }
    }

    [Fact]
    public void Decide_SustainedBurst_AsksByForecastLongBeforeTheOldWindow()
    {
        var policy = new PodPolicy(_options, _time);
        var cluster = new Cluster(policy, _time, _options);
        // 125 slots of work a second against 32 reachable for 40 s: the excess outlasts any pod start.
        cluster.Run(40, _ => 125);
        var up = Assert.Single(cluster.Decisions);
        Assert.True(up.At - _time.Start < TimeSpan.FromSeconds(20), $"asked at {up.At - _time.Start}");
        Assert.InRange(up.To, 2, _options.MaxReplicas);
        Assert.Contains("forecast", up.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_ShortBlip_NoPods()
    {
        var cluster = new Cluster(new PodPolicy(_options, _time), _time, _options);
        // Three seconds at three times the reachable capacity, then quiet: in-silo capacity works it off in seconds.
        cluster.Run(600, t => t is >= 10 and < 13 ? 96 : 4);
        Assert.Empty(cluster.Decisions);
    }

    [Fact]
    public void Decide_BurstAbsorbedInSilo_NoPods()
    {
        var cluster = new Cluster(new PodPolicy(_options, _time), _time, _options);
        // A 20 s burst that fits the reachable slots: a queue now and then, never one that outlasts a pod start.
        cluster.Run(600, t => t is >= 10 and < 30 ? 30 : 3);
        Assert.Empty(cluster.Decisions);
    }

    [Theory]
    [InlineData(0.03, true)]  // 3 tasks of 10 ms queued for a moment: 64 reachable slots take them at once
    [InlineData(400, false)]  // 400 slot-s queued: more than the reachable slots work off in an interval
    public void Decide_AfterBurst_MomentaryQueuesUnderSteadyArrivals_DoNotKeepTheBurstsPods(double queuedWork, bool released)
    {
        var policy = new PodPolicy(_options, _time);
        var cluster = new Cluster(policy, _time, _options);
        cluster.Run(120, t => t is >= 10 and < 40 ? 125 : 3);
        var up = Assert.Single(cluster.Decisions);
        Assert.Equal(0, cluster.Queued);
        // Steady arrivals after the burst; in-silo concurrency sits just above demand, so every third second a few
        // tasks are queued when the signals are read.
        AutoscaleDecision? down = null;
        for (var t = 0; t < 900 && down is null; t++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            var queued = t % 3 == 0;
            down = policy.Decide(new PodLoad(up.To, up.To, queued ? 3 : 0, queued ? queuedWork : 0, Arriving: 3, Reachable: up.To * PerPod,
                Demand: 3, Ceiling: up.To * PerPod, Saturated: false));
        }
        Assert.Equal(released, down is not null);
        if (down is null) return;
        Assert.InRange(down.To, _options.MinReplicas, up.To - 1);
        Assert.True(down.At - up.At <= _options.ScaleDownStabilization + TimeSpan.FromSeconds(120), $"down {down.At - up.At} after up");
    }

    [Fact]
    public void Decide_AfterBurst_ScaleDownStabilisedAndAtMostTwoEventsPerBurst()
    {
        var cluster = new Cluster(new PodPolicy(_options, _time), _time, _options);
        cluster.Run(1_200, t => t is >= 10 and < 40 ? 125 : 3);
        var changes = cluster.Decisions;
        Assert.Equal(2, changes.Count);
        var (up, down) = (changes[0], changes[1]);
        Assert.True(up.To > up.From && down.To < down.From, string.Join("; ", changes.Select(c => $"{c.From}->{c.To}")));
        // Down no sooner than a whole scale-down window after the backlog's last recommendation for more pods.
        Assert.True(down.At - up.At >= _options.ScaleDownStabilization, $"down {down.At - up.At} after up");
        Assert.Equal(_options.MinReplicas, cluster.Replicas);
    }

    [Fact]
    public void Decide_LongOverload_ReachesTheMaxInAtMostTwoSteps()
    {
        var cluster = new Cluster(new PodPolicy(_options, _time), _time, _options);
        cluster.Run(400, _ => 400);
        Assert.InRange(cluster.Decisions.Count, 1, 2);
        Assert.All(cluster.Decisions, d => Assert.True(d.To > d.From));
        Assert.Equal(_options.MaxReplicas, cluster.Replicas);
    }

    [Fact]
    public void Decide_NoForecastSignal_BackstopStillAsksAfterSustainedBacklog()
    {
        var policy = new PodPolicy(_options, _time);
        AutoscaleDecision? asked = null;
        // Queued work the silo cannot size (0 slot-seconds): only the evidence of a lasting backlog at the ceiling is left.
        for (var t = 0; t < 90 && asked is null; t++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            asked = policy.Decide(new PodLoad(1, 1, 500, QueuedWork: 0, Arriving: 40, Reachable: 32, Demand: 40, Ceiling: 32, Saturated: true));
        }
        Assert.NotNull(asked);
        Assert.True(asked.At - _time.Start >= _options.SustainedBacklog, $"asked at {asked.At - _time.Start}");
        Assert.Equal(2, asked.To);
    }

    [Fact]
    public void Decide_RandomSignals_StaysWithinBoundsAndNeverUpDownUpWithinTheWindow()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var rng = new Random(seed);
            var time = new FakeTimeProvider();
            var options = new AutoscaleOptions { MinReplicas = 1 + rng.Next(3), MaxReplicas = 4 + rng.Next(10) };
            var policy = new PodPolicy(options, time);
            var replicas = options.MinReplicas;
            var changes = new List<AutoscaleDecision>();
            for (var t = 0; t < 1_500; t++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                var silos = Math.Max(1, replicas - rng.Next(2));
                var backlog = rng.NextDouble() < 0.4 ? rng.Next(0, 50_000) : 0;
                var reachable = silos * (double)rng.Next(1, 64);
                var load = new PodLoad(replicas, silos, backlog, backlog * rng.NextDouble() * 0.5, rng.NextDouble() * 3 * reachable, reachable,
                    Demand: rng.NextDouble() * 2 * reachable, Ceiling: reachable, Saturated: backlog > 0 && rng.NextDouble() < 0.5);
                if (policy.Decide(load) is not { } d) continue;
                Assert.InRange(d.To, options.MinReplicas, options.MaxReplicas);
                Assert.NotEqual(d.From, d.To);
                changes.Add(d);
                replicas = d.To;
            }
            for (var i = 1; i < changes.Count; i++)
                Assert.True(changes[i].At - changes[i - 1].At >= options.Cooldown, $"seed {seed}: changes {changes[i - 1].At:T} and {changes[i].At:T}");
            for (var i = 2; i < changes.Count; i++)
            {
                var (a, b, c) = (changes[i - 2], changes[i - 1], changes[i]);
                if (a.To > a.From && b.To < b.From && c.To > c.From)
                    Assert.True(c.At - a.At >= options.ScaleDownStabilization, $"seed {seed}: up {a.At:T}, down {b.At:T}, up {c.At:T}");
            }
        }
    }

    [Fact]
    public void Decide_BelowTheMinimumForAPodStart_AsksForTheMinimum_AShortGapIsLeftAlone()
    {
        var options = new AutoscaleOptions { MinReplicas = 3, MaxReplicas = 10 };
        var policy = new PodPolicy(options, _time);
        PodLoad Idle(int replicas) => new(replicas, replicas, 0, 0, 1, replicas * 32.0, Demand: 1, Ceiling: replicas * 32, Saturated: false);
        // A silo restarting (two of three report for 20 s): not a reason to patch anything.
        for (var t = 0; t < 20; t++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Null(policy.Decide(Idle(2)));
        }
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(policy.Decide(Idle(3)));
        // A StatefulSet installed without replicas starts one pod: after a whole pod start below, the minimum.
        AutoscaleDecision? asked = null;
        for (var t = 0; t <= options.PodStartDelay.TotalSeconds && asked is null; t++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            asked = policy.Decide(Idle(1));
        }
        Assert.NotNull(asked);
        Assert.Equal((1, 3), (asked.From, asked.To));
        Assert.Contains("below the minimum", asked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ForGroup_GroupBoundsOverrideTheClusterWideOnes_OthersUnchanged()
    {
        var options = new AutoscaleOptions { MinReplicas = 1, MaxReplicas = 10, Groups = { ["short"] = new GroupReplicas { MaxReplicas = 40 } } };
        var shortGroup = options.ForGroup("short");
        Assert.Equal((1, 40), (shortGroup.MinReplicas, shortGroup.MaxReplicas));
        Assert.Equal((1, 10), (options.ForGroup("long").MinReplicas, options.ForGroup("long").MaxReplicas));
        Assert.Equal(options.PodStartDelay, shortGroup.PodStartDelay);
        Assert.Equal(10, options.MaxReplicas);
    }

    [Fact]
    public void Validate_GroupBoundsOutOfOrder_NamesTheGroup()
    {
        var options = new AutoscaleOptions { MaxReplicas = 10, Groups = { ["short"] = new GroupReplicas { MinReplicas = 20 } } };
        var result = new AutoscaleOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Surge:Autoscale:Groups:short", result.FailureMessage, StringComparison.Ordinal);
    }
}
