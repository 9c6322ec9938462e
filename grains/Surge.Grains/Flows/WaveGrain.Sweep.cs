using Microsoft.Extensions.Logging;

namespace Surge.Flows;

// How a wave reaches its entities: a sweep starts or checks on every entity not known to be done, a few at a time, and
// the ones it could not reach are tried again on their own within seconds.
internal sealed partial class WaveGrain
{
    private const int Parallel = 64; // entity calls in flight while starting or checking: enough to keep pools fed, few enough to stay polite
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1), LastRetry = TimeSpan.FromSeconds(15);
    private Task? _sweep;
    private IGrainTimer? _retry;
    private TimeSpan _retryPause = FirstRetry;

    // Starts (or checks on) every entity not known to be done (or only those of <paramref name="only"/>), a few at a
    // time; one sweep at a time.
    private void Sweep(bool start = false, IReadOnlyCollection<int>? only = null)
    {
        if (_sweep is { IsCompleted: false }) return;
        _sweep = SweepAsync(start, only);
    }

    // The entities a sweep could not reach (their silo cut off, dying or stopping) are tried again on their own after a
    // pause that doubles up to a limit, not only at the next reminder a minute away.
    // A sweep that failed as a whole (its finish not stored) is tried again whole: <paramref name="unreached"/> null.
    private void RetryUnreached(List<int>? unreached)
    {
        _retry?.Dispose();
        _retry = null;
        if (unreached is { Count: 0 } || Record.FinishedAt is not null)
        {
            _retryPause = FirstRetry;
            return;
        }
        var pause = _retryPause;
        _retryPause = pause * 2 < LastRetry ? pause * 2 : LastRetry;
        _retry = this.RegisterGrainTimer(_ =>
        {
            Sweep(only: unreached);
            return Task.CompletedTask;
        }, pause, Timeout.InfiniteTimeSpan);
    }

    private async Task SweepAsync(bool start, IReadOnlyCollection<int>? only)
    {
        _heard = time.GetTimestamp();
        List<int>? unreached = [];
        try
        {
            var plan = Record.Plan!;
            var book = _book!;
            var pending = (only ?? Enumerable.Range(0, book.Entities)).Where(i => !book.IsDone(i)).ToList();
            using var gate = new SemaphoreSlim(Parallel);
            await Task.WhenAll(pending.Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var entity = GrainFactory.GetGrain<IWaveEntityGrain>(WaveKeys.Entity(this.GetPrimaryKeyString(), Record.Entities[i]));
                    // After a restart an entity may not have been started yet: starting is idempotent.
                    var progress = start ? await entity.StartAsync(plan) : await entity.GetAsync() ?? await entity.StartAsync(plan);
                    if (Record.FinishedAt is null) book.Update(i, progress);
                }
                catch (Exception e)
                {
                    unreached?.Add(i); // on the grain's thread, as every step of this sweep
                    LogSweepFailed(e, this.GetPrimaryKeyString(), Record.Entities[i]);
                }
                finally
                {
                    gate.Release();
                }
            }));
            if (book.AllDone && Record.FinishedAt is null) await FinishAsync();
        }
        catch (Exception e)
        {
            LogSweepFailed(e, this.GetPrimaryKeyString(), "*");
            unreached = null;
        }
        RetryUnreached(unreached);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wave {Wave}: checking entity {Entity} failed; it is tried again within seconds")]
    private partial void LogSweepFailed(Exception e, string wave, string entity);
}
