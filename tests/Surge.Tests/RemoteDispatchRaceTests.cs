using Surge.Pools;

namespace Surge.Tests;

/// <summary>
/// A shard's batch to another silo (silo groups) times out on a stalled link and arrives late: the shard's upkeep asked
/// that silo whether it holds the dispatch, and the question overtook the batch (Orleans restarts a message's time to
/// live when it is received, and a silo's messages to another take either of the two connections between them). Told
/// "not held", the shard runs the task again as a crash recovery, on that silo or another that hosts its pool. In any
/// order of the late batch's arrival, the question, the recovery's arrival and the ends of the runs, the task runs
/// once: never two runs at once, and never the late dispatch once the shard has given up on it. The silos' pools are
/// played by their pure core, <see cref="PoolLedger"/>, as <see cref="PoolRunner"/> drives it.
/// </summary>
public class RemoteDispatchRaceTests
{
    private enum Step { LateBatchArrives, Probe, RecoveryArrives, RunsEndOnFirst, RunsEndOnOther }

    [Fact]
    public void Probe_ProbeOvertakesALateBatch_TheTaskRunsOnceInAnyOrder()
    {
        var orders = Permutations([Step.LateBatchArrives, Step.Probe, Step.RecoveryArrives, Step.RunsEndOnFirst, Step.RunsEndOnOther])
            .Where(o => Array.IndexOf(o, Step.Probe) < Array.IndexOf(o, Step.RecoveryArrives)) // the recovery follows the answer
            .ToList();
        Assert.Equal(60, orders.Count);
        foreach (var order in orders)
        {
            foreach (var recoveryOnFirst in (bool[])[true, false]) new Race(order, recoveryOnFirst).Play();
        }
    }

    // Random interleavings of more of the same: several tasks, repeated questions (a shard asks again when an answer is
    // lost), recoveries of recoveries, and a task whose batch arrives before the question.
    [Fact]
    public void Probe_RandomInterleavings_NoTaskEverRunsTwice()
    {
        for (var seed = 0; seed < 2_000; seed++)
        {
            var random = new Random(seed);
            var silos = new[] { new Silo(), new Silo(), new Silo() };
            var tasks = Enumerable.Range(0, 3).Select(i => new ShardTask($"t{i}", random.Next(silos.Length))).ToList();
            var inFlight = tasks.Select(t => (Task: t, Silo: t.SentTo, Attempt: 1)).ToList(); // batches on their way
            for (var step = 0; step < 40; step++)
            {
                var task = tasks[random.Next(tasks.Count)];
                switch (random.Next(4))
                {
                    case 0 when inFlight.Count > 0: // a batch arrives, however late
                        var batch = inFlight[random.Next(inFlight.Count)];
                        inFlight.Remove(batch);
                        silos[batch.Silo].Arrive(batch.Task.Id, batch.Attempt);
                        break;
                    case 1 when task.Unsure: // the shard's upkeep asks the silo its last batch went to
                        if (silos[task.SentTo].Probe(task.Id, task.Attempt)) task.Unsure = false;
                        else
                        {
                            task.Attempt++; // a crash recovery, to any silo that hosts the pool
                            task.SentTo = random.Next(silos.Length);
                            task.Unsure = random.Next(2) == 0; // its batch times out too, or not
                            inFlight.Add((task, task.SentTo, task.Attempt));
                        }
                        break;
                    case 2: // runs end and report
                        silos[random.Next(silos.Length)].EndRuns();
                        break;
                    case 3: // a probe's answer is lost: the shard asks again later; what the silo said still binds it
                        if (task.Unsure) silos[task.SentTo].Probe(task.Id, task.Attempt);
                        break;
                }
                foreach (var t in tasks)
                {
                    var running = silos.Sum(s => s.Running(t.Id));
                    Assert.True(running <= 1, $"seed {seed} step {step}: {t.Id} runs {running} times at once");
                    // Attempts the shard gave up on (asked, told not held, and dispatched again) never start.
                    var given = silos.SelectMany(s => s.Started).Where(r => r.Id == t.Id && r.Late);
                    Assert.Empty(given);
                }
            }
        }
    }

    private static IEnumerable<Step[]> Permutations(Step[] steps) => steps.Length <= 1
        ? [steps]
        : steps.SelectMany(first => Permutations([.. steps.Where(s => s != first)]).Select(rest => (Step[])[first, .. rest]));

    private sealed class ShardTask(string id, int sentTo)
    {
        public string Id { get; } = id;
        public int Attempt { get; set; } = 1;
        public int SentTo { get; set; } = sentTo;
        public bool Unsure { get; set; } = true; // its batch failed: arrived or not?
    }

    private sealed class Race(Step[] order, bool recoveryOnFirst)
    {
        private const string Id = "task";
        private readonly Silo _first = new(), _other = new(); // the silo the timed-out batch went to; another hosting its pool
        private bool _recovered; // the shard was told "not held", and dispatched attempt 2

        public void Play()
        {
            foreach (var step in order) Do(step);
            var what = $"{string.Join(" > ", order)} (recovery on the {(recoveryOnFirst ? "first" : "other")} silo)";
            var starts = _first.Started.Concat(_other.Started).Where(r => r.Id == Id).ToList();
            var runs = string.Join(", ", starts.Select(s => $"attempt {s.Attempt}"));
            Assert.True(starts.Count >= 1, $"{what}: never ran");
            Assert.False(starts.Any(s => s.Late), $"{what}: a dispatch ran after its silo told the shard it did not hold it ({runs})");
            // The question overtook the batch: the recovery is the one run. (When the batch's run had ended first, the
            // question may be told "not held" too: its report is the shard's to weigh, not the pools'.)
            if (Array.IndexOf(order, Step.Probe) < Array.IndexOf(order, Step.LateBatchArrives))
                Assert.True(starts is [{ Attempt: 2 }], $"{what}: {starts.Count} runs ({runs}), not the recovery alone");
        }

        private void Do(Step step)
        {
            switch (step)
            {
                case Step.LateBatchArrives:
                    _first.Arrive(Id, 1);
                    break;
                case Step.Probe:
                    _recovered = !_first.Probe(Id, 1);
                    break;
                case Step.RecoveryArrives when _recovered:
                    (recoveryOnFirst ? _first : _other).Arrive(Id, 2);
                    break;
                case Step.RunsEndOnFirst:
                    _first.EndRuns();
                    break;
                case Step.RunsEndOnOther:
                    _other.EndRuns();
                    break;
            }
            Assert.True(_first.Running(Id) + _other.Running(Id) <= 1, $"{string.Join(" > ", order)}: two runs at once after {step}");
        }
    }

    /// <summary>One silo's pools, driven as <see cref="PoolRunner"/> drives its ledger.</summary>
    private sealed class Silo
    {
        private readonly PoolLedger _ledger = new(PoolLayout.Create(new PoolShape(RoutingMode.Single), 4, new Workers.PoolsOptions(), 1000), 4, 1_000_000);
        private readonly PoolDecisions _decide = new();
        private readonly List<WorkItem> _running = [];
        private readonly HashSet<(string, int)> _probedNotHeld = [];

        /// <summary>Every run started here: the task, its attempt, and whether this silo had said it did not hold it.</summary>
        public List<(string Id, int Attempt, bool Late)> Started { get; } = [];

        public int Running(string id) => _running.Count(i => i.Spec.Id == id);

        public void Arrive(string id, int attempt)
        {
            var item = new WorkItem(TaskSpec.Create("t", id: id), PoolKind.Single, null, attempt: attempt);
            if (!_ledger.DropLate(item) && !_ledger.DropBarred(item, _decide)) _ledger.Enqueue(item, 0, _decide);
            Absorb();
        }

        public bool Probe(string id, int attempt)
        {
            var held = _ledger.Probe(id, attempt);
            if (!held) _probedNotHeld.Add((id, attempt));
            return held;
        }

        public void EndRuns()
        {
            foreach (var item in _running.ToList())
            {
                _running.Remove(item);
                _ledger.Ended(item, _ledger.Pools[0], 1, 0, _decide);
                _ledger.Settle(item);
            }
            Absorb();
        }

        private void Absorb()
        {
            foreach (var (item, _) in _decide.Start)
            {
                _running.Add(item);
                Started.Add((item.Spec.Id, item.Attempt, _probedNotHeld.Any(p => p.Item1 == item.Spec.Id && p.Item2 >= item.Attempt)));
            }
            foreach (var (never, _) in _decide.NotStarted) _ledger.Settle(never);
            _decide.Clear();
        }
    }
}
