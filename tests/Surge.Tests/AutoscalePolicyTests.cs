using Microsoft.Extensions.Time.Testing;
using Surge.Autoscale;

namespace Surge.Tests;

public class AutoscalePolicyTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AutoscaleOptions _options = new() { MinReplicas = 1, MaxReplicas = 5 };

    private static SiloSignal Silo(int queued, int limit, int max = 16, double arrivals = 0, double meanMs = 100, double cpu = 0.3, double memory = 0, double budget = 1000, PoolKind pool = PoolKind.Long)
        => new("s1", DateTimeOffset.UnixEpoch, cpu, memory, budget,
            [new PoolSignal(pool, queued, queued > 0 ? 500 : 0, Math.Min(limit, 4), limit, 1, max, arrivals, arrivals, meanMs, meanMs)]);

    // Runs the policy once a second for the given seconds, feeding back what it decides, like the autoscale grain.
    private List<AutoscaleDecision> Run(AutoscalePolicy policy, int seconds, Func<int, int, SiloSignal> signal, ref int limit, ref int replicas)
    {
        var all = new List<AutoscaleDecision>();
        for (var t = 0; t < seconds; t++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            foreach (var d in policy.Decide([signal(t, limit)], replicas))
            {
                all.Add(d);
                if (d.Kind == AutoscaleKind.Concurrency) limit = d.To;
                else replicas = d.To;
            }
        }
        return all;
    }

    [Fact]
    public void Decide_BacklogAppears_RaisesConcurrencyAtOnce()
    {
        var policy = new AutoscalePolicy(_options, _time);
        _time.Advance(TimeSpan.FromSeconds(1));
        var decision = Assert.Single(policy.Decide([Silo(queued: 200, limit: 4, arrivals: 20)], 1));
        // Little: 20/s × 0.1 s / 0.8 = 2.5 slots; backlog: 200 × 0.1 s / 5 s = 4 slots; 6.5 → 7.
        Assert.Equal((AutoscaleKind.Concurrency, 4, 7), (decision.Kind, decision.From, decision.To));
    }

    [Fact]
    public void Decide_ShortBurst_AbsorbedByConcurrencyAloneNoPodChange()
    {
        var policy = new AutoscalePolicy(_options, _time);
        int limit = 2, replicas = 1;
        var decisions = Run(policy, 120, (t, l) => Silo(queued: t < 20 ? 100 : 0, limit: l, arrivals: t < 20 ? 40 : 1), ref limit, ref replicas);
        Assert.Contains(decisions, d => d.Kind == AutoscaleKind.Concurrency && d.To > 2);
        Assert.DoesNotContain(decisions, d => d.Kind == AutoscaleKind.Replicas);
    }

    [Fact]
    public void Decide_SustainedBacklogAtCeiling_AsksForPodsOnceAfterWindow()
    {
        var policy = new AutoscalePolicy(_options, _time);
        int limit = 16, replicas = 1;
        var decisions = Run(policy, 110, (_, l) => Silo(queued: 500, limit: l, arrivals: 200), ref limit, ref replicas);
        var pods = Assert.Single(decisions, d => d.Kind == AutoscaleKind.Replicas);
        Assert.True(pods.At - _time.Start >= _options.SustainedBacklog, $"asked at {pods.At - _time.Start}");
        Assert.InRange(pods.To, 2, _options.MaxReplicas);
    }

    [Fact]
    public void Decide_BacklogBelowCeiling_NeverAsksForPods()
    {
        var policy = new AutoscalePolicy(_options, _time);
        int limit = 2, replicas = 1;
        var decisions = Run(policy, 200, (_, l) => Silo(queued: 5, limit: l, max: 64, arrivals: 10), ref limit, ref replicas);
        Assert.DoesNotContain(decisions, d => d.Kind == AutoscaleKind.Replicas);
    }

    [Fact]
    public void Decide_OscillatingLoad_AtMostOneScaleDownPerWindow()
    {
        var policy = new AutoscalePolicy(_options, _time);
        int limit = 16, replicas = 5;
        // 90 s of saturated backlog, then 90 s idle, for an hour.
        var decisions = Run(policy, 3600, (t, l) => (t / 90) % 2 == 0 ? Silo(queued: 400, limit: l, arrivals: 100) : Silo(queued: 0, limit: l), ref limit, ref replicas);
        var downs = decisions.Where(d => d.Kind == AutoscaleKind.Replicas && d.To < d.From).Select(d => d.At).ToList();
        for (var i = 1; i < downs.Count; i++) Assert.True(downs[i] - downs[i - 1] >= _options.ScaleDownStabilization, $"scale-downs {downs[i - 1]:T} and {downs[i]:T}");
        var changes = decisions.Where(d => d.Kind == AutoscaleKind.Replicas).Select(d => d.At).ToList();
        for (var i = 1; i < changes.Count; i++) Assert.True(changes[i] - changes[i - 1] >= _options.Cooldown);
    }

    [Fact]
    public void Decide_Idle_LowersGentlyAndNeverBelowMinOrReplicasBelowMin()
    {
        var policy = new AutoscalePolicy(_options, _time);
        int limit = 16, replicas = 3;
        var decisions = Run(policy, 1200, (_, l) => Silo(queued: 0, limit: l), ref limit, ref replicas);
        var lowered = decisions.Where(d => d.Kind == AutoscaleKind.Concurrency).ToList();
        Assert.All(lowered, d => Assert.True(d.From - d.To <= Math.Max(1, (int)Math.Ceiling(d.From * _options.ScaleInStep))));
        Assert.True(lowered[0].At - _time.Start >= _options.ScaleInDelay);
        Assert.Equal(1, limit);
        Assert.Equal(_options.MinReplicas, replicas);
    }

    [Fact]
    public void Decide_MaxReplicas_NeverExceeded()
    {
        var policy = new AutoscalePolicy(_options, _time);
        int limit = 16, replicas = 4;
        Run(policy, 1000, (_, l) => Silo(queued: 100_000, limit: l, arrivals: 5_000), ref limit, ref replicas);
        Assert.Equal(_options.MaxReplicas, replicas);
        Assert.Equal(16, limit);
    }

    [Fact]
    public void Decide_MemoryBudgetReached_DoesNotRaise()
    {
        var policy = new AutoscalePolicy(_options, _time);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(policy.Decide([Silo(queued: 200, limit: 4, arrivals: 20, memory: 1000, budget: 1000)], 1));
        Assert.NotEmpty(policy.Decide([Silo(queued: 200, limit: 4, arrivals: 20, memory: 900, budget: 1000)], 1));
    }

    [Fact]
    public void Decide_CpuBoundPoolAtCpuCeiling_DoesNotRaise()
    {
        var policy = new AutoscalePolicy(new AutoscaleOptions { CpuBoundPools = [PoolKind.Long] }, _time);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(policy.Decide([Silo(queued: 200, limit: 4, arrivals: 20, cpu: 0.95)], 1));
        Assert.NotEmpty(policy.Decide([Silo(queued: 200, limit: 4, arrivals: 20, cpu: 0.5)], 1));
    }

    // 1500 slot-seconds queued on a 16-slot silo already at its ceiling, no arrivals; or an idle 16-slot silo.
    private static SiloSignal Backlogged(string silo, bool draining = false)
        => new(silo, DateTimeOffset.UnixEpoch, 0.3, 0, 1000,
            [new PoolSignal(PoolKind.Long, 1500, 500, 16, 16, 1, 16, 0, 0, 1000, 1000, QueuedWorkMs: 1_500_000)], 16, Draining: draining);

    private static SiloSignal Idle(string silo, bool draining = false)
        => new(silo, DateTimeOffset.UnixEpoch, 0.3, 0, 1000, [new PoolSignal(PoolKind.Long, 0, 0, 0, 16, 1, 16, 0, 0, 1000, 1000)], 16, Draining: draining);

    private AutoscaleDecision? Pods(IReadOnlyList<SiloSignal> silos, int replicas)
    {
        var policy = new AutoscalePolicy(new AutoscaleOptions { MinReplicas = 1, MaxReplicas = 10 }, _time);
        _time.Advance(TimeSpan.FromSeconds(1));
        return policy.Decide(silos, replicas).SingleOrDefault(d => d.Kind == AutoscaleKind.Replicas);
    }

    [Fact]
    public void Decide_DrainingSiloIdle_ItsSlotsAreNoCapacity()
    {
        // Counted, the draining silo's 16 slots would work the backlog off within the margin and ask for nothing.
        var without = Pods([Backlogged("a")], replicas: 2);
        var with = Pods([Backlogged("a"), Idle("b", draining: true)], replicas: 2);
        Assert.NotNull(without);
        Assert.Equal((without.From, without.To), (with?.From, with?.To));
    }

    [Fact]
    public void Decide_DrainingSiloBacklog_CountsAsWorkNotCapacity()
    {
        var reference = Pods([Backlogged("a")], replicas: 2);
        var draining = Pods([Idle("a"), Backlogged("b", draining: true)], replicas: 2);
        Assert.NotNull(reference);
        Assert.Equal((reference.From, reference.To), (draining?.From, draining?.To));
    }
}
