using System.Collections.Concurrent;
using System.Text.Json;
using Surge.Policies;
using Surge.Workers;

namespace Surge.Cluster.Tests;

/// <summary>Fails its first <c>fail_times</c> attempts (payload), with a retryable error, a non-retryable one, or an ArgumentException.</summary>
public sealed class FlakyHandler : ITaskHandler
{
    public const string TypeName = "flaky";
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<int>> Starts = new(); // the attempts, in order

    public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        Starts.GetOrAdd(context.TaskId, _ => new()).Enqueue(context.Attempt);
        using var payload = JsonDocument.Parse(context.Payload);
        var failTimes = payload.RootElement.GetProperty("fail_times").GetInt32();
        var error = payload.RootElement.TryGetProperty("error", out var e) ? e.GetString() : "retry";
        if (context.Attempt > failTimes) return ValueTask.FromResult<ReadOnlyMemory<byte>>("\"ok\""u8.ToArray());
        throw error switch
        {
            "fatal" => new NonRetryableTaskException($"attempt {context.Attempt}: the input can never work"),
            "argument" => new ArgumentException($"attempt {context.Attempt}: bad argument"),
            _ => new InvalidOperationException($"attempt {context.Attempt} failed"),
        };
    }
}

/// <summary>Sees its token cancelled and carries on regardless, for 5 s: what the hard limit is for.</summary>
public sealed class StubbornHandler : ITaskHandler
{
    public const string TypeName = "stubborn";
    public static readonly ConcurrentDictionary<string, bool> SawCancel = new();
    public static readonly ConcurrentDictionary<string, bool> Returned = new();

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        using var seen = cancellationToken.Register(() => SawCancel[context.TaskId] = true);
        await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None);
        Returned[context.TaskId] = true;
        return "\"late\""u8.ToArray();
    }
}

/// <summary>Waits for its token: runs until its soft limit or a cancel.</summary>
public sealed class PatientHandler : ITaskHandler
{
    public const string TypeName = "patient";
    public static readonly ConcurrentDictionary<string, bool> Started = new();
    public static readonly ConcurrentDictionary<string, bool> Cancelled = new();

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        Started[context.TaskId] = true;
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Cancelled[context.TaskId] = true;
            throw;
        }
        return ReadOnlyMemory<byte>.Empty;
    }
}

/// <summary>Squares {"n":N}; counts its runs per payload; its version is set by the test.</summary>
public sealed class SquareHandler : ITaskHandler, IVersionedHandler
{
    public const string TypeName = "square";
    public static readonly ConcurrentDictionary<string, int> Runs = new();
    public static volatile string CurrentVersion = "1";

    public string Version => CurrentVersion;

    public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        using var payload = JsonDocument.Parse(context.Payload);
        Runs.AddOrUpdate(System.Text.Encoding.UTF8.GetString(context.Payload.Span), 1, (_, n) => n + 1);
        var n = payload.RootElement.GetProperty("n").GetInt64();
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(System.Text.Encoding.UTF8.GetBytes($"{{\"square\":{n * n},\"version\":\"{CurrentVersion}\"}}"));
    }
}

/// <summary>Runs 2 ms and records, per type, how many ran at once across both silos of the test cluster.</summary>
public sealed class CappedHandler : ITaskHandler
{
    public const string Capped = "capped", Metered = "metered";
    private static readonly ConcurrentDictionary<string, Counters> ByType = new();

    public static Counters Of(string type) => ByType.GetOrAdd(type, _ => new Counters());

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var counters = Of(context.Type);
        counters.Start();
        await Task.Delay(2, CancellationToken.None);
        counters.Finish();
        return ReadOnlyMemory<byte>.Empty;
    }

    public sealed class Counters
    {
        private int _running;
        private int _max;
        private int _completed;

        public int MaxConcurrent => Volatile.Read(ref _max);
        public int Completed => Volatile.Read(ref _completed);

        public void Start()
        {
            var now = Interlocked.Increment(ref _running);
            int seen;
            while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen) { }
        }

        public void Finish()
        {
            Interlocked.Decrement(ref _running);
            Interlocked.Increment(ref _completed);
        }
    }
}
