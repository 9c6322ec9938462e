using Surge.Client;
using Surge.Replay;

namespace Surge.Bench.Chaos;

/// <summary>A refused submission call: when it was made and when it failed (UTC ms), and why.</summary>
internal sealed record Refusal(string Task, long From, long To, string Error);

/// <summary>What the producers saw of one workload task.</summary>
internal sealed class Submission(WorkloadTask task)
{
    public WorkloadTask Task { get; } = task;

    /// <summary>SubmitAsync returned: the runtime promised the task a final state.</summary>
    public bool Acknowledged { get; set; }

    /// <summary>The first final status a producer read (SubmitAsync's answer or WaitAsync's).</summary>
    public TaskStatus? FirstFinal { get; set; }

    /// <summary>Times WaitAsync said the id was unknown after it had been acknowledged.</summary>
    public int UnknownAfterAck { get; set; }

    public string? Invalid { get; set; }

    /// <summary>Cancelled this long after its acknowledgment (null: not cancelled; see <see cref="ChaosProducers"/>).</summary>
    public int? CancelAfterMs { get; set; }

    /// <summary>What the cancel answered, and when the answer came (UTC ms); null until one came.</summary>
    public TaskStatus? CancelAnswer { get; set; }

    public long CancelAnsweredAt { get; set; }

    /// <summary>Cancel calls that threw (each asked again 500 ms later, until the producers stop resubmitting).</summary>
    public int CancelRefused { get; set; }

    /// <summary>Submitted with a payload its handler cannot read: it fails and is dead-lettered, then retried once.</summary>
    public bool Fails { get; set; }

    /// <summary>When the retry of its dead letter was answered (UTC ms; 0: not retried), and the final status read after it.</summary>
    public long RetriedAt { get; set; }

    public TaskStatus? FinalAfterRetry { get; set; }

    /// <summary>Retry calls that threw (each asked again 500 ms later).</summary>
    public int RetryRefused { get; set; }

    /// <summary>Its dead letter was retried, or a retry call was made that may have been stored though it threw.</summary>
    public bool MayBeRetried => FirstFinal is { DeadLettered: true } && (RetriedAt > 0 || RetryRefused > 0);
}

/// <summary>
/// Open-loop producers: each task is submitted at its offset by one of four producers, then followed until a final
/// state. A refused submission (any exception but a validation error) is counted, then submitted again with the same
/// id 500 ms later (submissions are idempotent by id), as a message bus redelivers, until
/// <c>submitUntil</c>: an honest count of refusals that still gives every entity event its predecessor.
/// A seeded share of the tasks (<paramref name="cancelShare"/>) is cancelled 0–2 s after its acknowledgment, while
/// queued, held, running or already final, and the cancel's answer is checked like any other status read. Another
/// (<paramref name="failShare"/>) is submitted with a payload its handler cannot read: it fails, is dead-lettered, and
/// its dead letter is retried once, as an operator would, and followed to its final state again.
/// </summary>
internal sealed class ChaosProducers(ISurgeClient surge, int seed, double cancelShare, double failShare)
{
    private const int CancelWithinMs = 2000;
    private static readonly TimeSpan Resubmit = TimeSpan.FromMilliseconds(500);
    private readonly Lock _gate = new();
    private readonly List<Refusal> _refusals = [];

    public IReadOnlyList<Refusal> Refusals { get { lock (_gate) return [.. _refusals]; } }

    // The exception, its cause and the cause's message (the runtime's reason), short enough to keep thousands.
    private static string Describe(Exception e)
    {
        var cause = e.InnerException ?? e;
        var message = cause.Message.Length > 160 ? cause.Message[..160] : cause.Message;
        return $"{e.GetType().Name}: {e.InnerException?.GetType().Name}: {message}";
    }

    public async Task<Submission[]> RunAsync(IReadOnlyList<WorkloadTask> tasks, DateTimeOffset start, DateTimeOffset submitUntil, DateTimeOffset followUntil, int producers = 4)
    {
        var submissions = tasks.Select(t => new Submission(t)).ToArray();
        var random = new Random(seed);
        foreach (var s in submissions)
        {
            var cancel = random.NextDouble() < cancelShare;
            var after = random.Next(CancelWithinMs);
            var fails = random.NextDouble() < failShare;
            if (cancel) s.CancelAfterMs = after;
            else s.Fails = fails; // one or the other: a cancel would end the story the retry tells
        }
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var running = new List<Task>();
            for (var i = p; i < submissions.Length; i += producers)
            {
                var due = start + TimeSpan.FromMilliseconds(submissions[i].Task.AtMs) - DateTimeOffset.UtcNow;
                if (due > TimeSpan.Zero) await Task.Delay(due);
                running.Add(RunOneAsync(submissions[i], submitUntil, followUntil));
            }
            await Task.WhenAll(running);
        })));
        return submissions;
    }

    private async Task RunOneAsync(Submission submission, DateTimeOffset submitUntil, DateTimeOffset followUntil)
    {
        var spec = submission.Task.ToSpec(allocate: false);
        if (submission.Fails) spec = spec with { Payload = "unreadable: not JSON"u8.ToArray() };
        while (!submission.Acknowledged)
        {
            var from = DateTimeOffset.UtcNow;
            try
            {
                var status = await surge.SubmitAsync(spec);
                submission.Acknowledged = true;
                if (status.IsFinal) submission.FirstFinal = status;
            }
            catch (SurgeValidationException e)
            {
                submission.Invalid = e.Message;
                return;
            }
            catch (Exception e)
            {
                var to = DateTimeOffset.UtcNow;
                lock (_gate) _refusals.Add(new Refusal(spec.Id, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), Describe(e)));
                if (to >= submitUntil) return;
                await Task.Delay(Resubmit);
            }
        }
        var cancelling = submission.CancelAfterMs is { } afterMs ? CancelAsync(submission, afterMs, submitUntil) : Task.CompletedTask;
        while (submission.FirstFinal is null && followUntil - DateTimeOffset.UtcNow is { } left && left > TimeSpan.Zero)
        {
            try
            {
                var status = await surge.WaitAsync(spec.Id, left);
                if (status.IsFinal) submission.FirstFinal = status;
            }
            catch (TimeoutException)
            {
                break;
            }
            catch (KeyNotFoundException)
            {
                submission.UnknownAfterAck++;
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (Exception)
            {
                await Task.Delay(TimeSpan.FromSeconds(1)); // a failover the wait did not ride out: ask again
            }
        }
        await cancelling;
        if (submission.FirstFinal is { DeadLettered: true }) await RetryDeadLetterAsync(submission, submitUntil, followUntil);
    }

    // The operator's retry: a fresh budget, then followed to its final state like the first.
    private async Task RetryDeadLetterAsync(Submission submission, DateTimeOffset until, DateTimeOffset followUntil)
    {
        var id = submission.Task.Id;
        while (true)
        {
            try
            {
                await surge.RetryDeadLetterAsync(id);
                submission.RetriedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                break;
            }
            catch (Exception)
            {
                submission.RetryRefused++;
                if (DateTimeOffset.UtcNow >= until) return;
                await Task.Delay(Resubmit);
            }
        }
        while (submission.FinalAfterRetry is null && followUntil - DateTimeOffset.UtcNow is { } left && left > TimeSpan.Zero)
        {
            try
            {
                var status = await surge.WaitAsync(id, left);
                if (status.IsFinal) submission.FinalAfterRetry = status;
            }
            catch (TimeoutException)
            {
                return;
            }
            catch (Exception)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    // A refused cancel may have been stored all the same: asked again, it answers what it did.
    private async Task CancelAsync(Submission submission, int afterMs, DateTimeOffset until)
    {
        await Task.Delay(afterMs);
        while (true)
        {
            try
            {
                var status = await surge.CancelAsync(submission.Task.Id);
                submission.CancelAnsweredAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                submission.CancelAnswer = status;
                return;
            }
            catch (Exception)
            {
                submission.CancelRefused++;
                if (DateTimeOffset.UtcNow >= until) return;
                await Task.Delay(Resubmit);
            }
        }
    }
}
