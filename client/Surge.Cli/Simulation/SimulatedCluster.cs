namespace Surge.Cli.Simulation;

/// <summary>
/// A task of a simulated workload: when it arrives and how long it runs. <see cref="Requeued"/>: put back by a spot
/// reclaim, so its wait was counted at its first start.
/// </summary>
public readonly record struct SimulatedTask(double AtMs, double DurationMs, bool Requeued = false);

/// <summary>How the simulated cluster behaves.</summary>
public sealed class SimulationOptions
{
    /// <summary>From asking for a pod until it takes work. Default 45 s.</summary>
    public TimeSpan PodStartDelay { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>A pod's concurrency at start, and the fixed concurrency of pod-only policies. Default 8.</summary>
    public int SlotsPerPod { get; set; } = 8;

    /// <summary>How far in-silo control may raise one pod's concurrency for I/O-bound work. Default 32 (8 × 4 cores).</summary>
    public int MaxConcurrencyPerPod { get; set; } = 32;

    public int MinReplicas { get; set; } = 1;
    public int MaxReplicas { get; set; } = 10;

    /// <summary>Spot pods: every this often one ready pod is reclaimed (0, the default: never).</summary>
    public TimeSpan SpotReclaimEvery { get; set; }

    /// <summary>
    /// A reclaimed pod takes no new work and is killed this long after the notice; what it still runs then goes back
    /// to the queue (the runtime re-queues it as a crash recovery), and the StatefulSet starts a replacement at once.
    /// Default 120 s, less the drain's 15 s margin.
    /// </summary>
    public TimeSpan ReclaimNotice { get; set; } = TimeSpan.FromSeconds(105);
}

/// <summary>
/// Pods pulling from one FIFO queue, on a virtual clock. The work is I/O-bound (sleeps), so CPU stays low however
/// many tasks a pod runs; that is the case where raising concurrency beats adding pods.
/// </summary>
public sealed class SimulatedCluster(SimulationOptions options)
{
    private readonly PriorityQueue<Running, double> _finishing = new();
    private int _live; // started and neither finished nor killed

    public SimulationOptions Options { get; } = options;
    public List<Pod> Pods { get; } = [];
    public Queue<SimulatedTask> Queue { get; } = new();
    public double NowMs { get; set; }
    public int ScaleEvents { get; private set; }
    public double PodMilliseconds { get; private set; }
    /// <summary>Slots busy, summed over steps: with <see cref="PodMilliseconds"/>, how much of what was paid for ran work.</summary>
    public double BusySlotMilliseconds { get; private set; }
    public int Completed { get; private set; }
    public int Reclaims { get; private set; }
    public int RequeuedTasks { get; private set; }

    /// <summary>Pods asked for and not removed: what Kubernetes' spec.replicas would say.</summary>
    public int Replicas => Pods.Count(p => !p.Draining);

    public IEnumerable<Pod> Ready => Pods.Where(p => !p.Draining && p.ReadyAtMs <= NowMs);

    public void AddPods(int count, bool immediately = false)
    {
        for (var i = 0; i < count; i++)
            Pods.Add(new Pod(Pods.Count == 0 ? 0 : Pods.Max(p => p.Id) + 1, immediately ? NowMs : NowMs + Options.PodStartDelay.TotalMilliseconds, Options.SlotsPerPod));
    }

    public void SetReplicas(int replicas)
    {
        replicas = Math.Clamp(replicas, Options.MinReplicas, Options.MaxReplicas);
        if (replicas == Replicas) return;
        ScaleEvents++;
        if (replicas > Replicas) AddPods(replicas - Replicas);
        // Drain the least busy pods: they take no new work and leave once empty.
        foreach (var pod in Pods.Where(p => !p.Draining).OrderBy(p => p.Running).ThenByDescending(p => p.ReadyAtMs).Take(Replicas - replicas).ToList())
            pod.Draining = true;
    }

    /// <summary>Advances one step: finishes, starts, and pays for the pods alive during it.</summary>
    public void Step(double stepMs, List<double> waitsMs, ref double startedMsThisSecond, ref int startedThisSecond)
    {
        NowMs += stepMs;
        while (_finishing.TryPeek(out var run, out var at) && at <= NowMs)
        {
            _finishing.Dequeue();
            if (run.Killed) continue;
            run.Pod.Running--;
            run.Pod.Runs.Remove(run);
            _live--;
            Completed++;
        }
        foreach (var killed in Pods.Where(p => p.KillAtMs <= NowMs).ToList()) Kill(killed);
        foreach (var pod in Ready)
        {
            while (pod.Running < pod.Limit && Queue.TryDequeue(out var task))
            {
                if (!task.Requeued) waitsMs.Add(NowMs - task.AtMs);
                pod.Running++;
                startedMsThisSecond += task.DurationMs;
                startedThisSecond++;
                var run = new Running(pod, task);
                pod.Runs.Add(run);
                _live++;
                _finishing.Enqueue(run, NowMs + task.DurationMs);
            }
        }
        Pods.RemoveAll(p => p.Draining && p.Running == 0);
        PodMilliseconds += Pods.Count * stepMs;
        BusySlotMilliseconds += _live * stepMs;
    }

    public bool Idle => Queue.Count == 0 && _live == 0;

    /// <summary>A spot reclaim of the oldest ready pod: it drains within the notice; a replacement starts at once.</summary>
    public void Reclaim()
    {
        if (Ready.OrderBy(p => p.ReadyAtMs).FirstOrDefault() is not { } pod) return;
        Reclaims++;
        pod.Draining = true;
        pod.KillAtMs = NowMs + Options.ReclaimNotice.TotalMilliseconds;
        AddPods(1);
    }

    // The notice is over: what still runs goes back to the queue, at its place by arrival (nothing is lost).
    private void Kill(Pod pod)
    {
        var back = pod.Runs.ToList();
        foreach (var run in back) run.Killed = true;
        pod.Runs.Clear();
        _live -= back.Count;
        RequeuedTasks += back.Count;
        var queued = Queue.Concat(back.Select(r => r.Task with { Requeued = true })).OrderBy(t => t.AtMs).ToList();
        Queue.Clear();
        foreach (var task in queued) Queue.Enqueue(task);
        pod.Running = 0;
        Pods.Remove(pod);
    }

    internal sealed class Running(Pod pod, SimulatedTask task)
    {
        public Pod Pod { get; } = pod;
        public SimulatedTask Task { get; } = task;
        public bool Killed { get; set; }
    }

    public sealed class Pod(int id, double readyAtMs, int limit)
    {
        public int Id { get; } = id;
        public double ReadyAtMs { get; } = readyAtMs;
        public int Limit { get; set; } = limit;
        public int Running { get; set; }
        public bool Draining { get; set; }
        public double KillAtMs { get; set; } = double.PositiveInfinity;
        internal List<Running> Runs { get; } = [];
        public string Name => $"pod-{Id}";
    }
}
