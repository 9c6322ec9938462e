using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Surge.Entities;

/// <summary>
/// Keeps each entity's events in order however they arrive: an event is released only once the one before it has
/// ended (its record is final and no run of it is left), so a "finished" never runs before, or beside, its "started".
/// It never runs anything itself: it tells the released event's shard, which dispatches it with the attempt its
/// record says. Held events fail after the hold limit.
/// </summary>
/// <remarks>
/// One activation holds the books of many entities, each stored on its own (<see cref="IEntityBookStore"/>; the writes
/// that arrive while one is in flight go out together), each changed under its own gate, so one entity's calls never interleave while
/// other entities' go on. A book is stored before an admission is answered and before a release is sent; only an end
/// that releases nothing waits for the book's next write or the next sweep (every <see cref="IdleFor"/>). A book
/// nothing waits in leaves memory after <see cref="IdleFor"/>, and one whose write failed at once (it is read again
/// from storage).
/// </remarks>
[Reentrant]
[KeepAlive]
[ShardPlacement]
internal sealed partial class EntityShardGrain(
    IEntityBookStore store,
    IOptions<EntityOptions> options,
    RecoveryOptions recovery,
    DrainingSilos draining,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<EntityShardGrain> logger) : Grain, IEntityShardGrain
{
    /// <summary>How long a book nothing waits in stays in memory after its last use: the next event of a busy entity finds it.</summary>
    internal static readonly TimeSpan IdleFor = TimeSpan.FromSeconds(2);

    private readonly ILogger _logger = logger;
    private readonly TimeSpan _holdLimit = options.Value.HoldLimit;
    private readonly int _maxHeld = options.Value.MaxHeld;
    private readonly int _maxHandled = options.Value.MaxHandled;
    private readonly Dictionary<string, Book> _books = new(StringComparer.Ordinal);
    private readonly KeyGates _gates = new();
    private int _shard;
    private GroupCommit<BookWrite> _journal = null!;
    private GroupRead<GrainState<EntityRecord>> _reads = null!;
    private Task<ShardClaim>? _claim;

    // A running event released this long ago is asked after: its end may have been lost with a silo.
    private TimeSpan StaleAfter => recovery.UpkeepPeriod * 2;

    // How long an entity's gate waits for a task shard's answer about a run. Orleans would wait 30 s (its response
    // timeout) for a shard whose silo is cut off, holding every submission of the entity meanwhile; a record read takes
    // milliseconds, and what is not heard in time is asked again at the next hand-over. Timed on the system clock, as
    // Orleans' own timeout is: it bounds a network wait, and a test's fake clock moved past it would cut healthy calls.
    private static readonly TimeSpan RunAskLimit = TimeSpan.FromSeconds(5);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _shard = (int)this.GetPrimaryKeyLong();
        // Activated on a silo that drains though placement leaves it out (ShardHomes.InsteadOfDrainingSilo): serves nothing here.
        if (ShardHomes.InsteadOfDrainingSilo(_shard, silo.SiloAddress, draining, membership.CurrentSnapshot) is { } home)
        {
            LogLeavingDrainingSilo(_shard, home.ToString());
            this.DeactivateOnIdle();
            return Task.CompletedTask;
        }
        _journal = new GroupCommit<BookWrite>(async books => await store.SaveAsync(await ClaimAsync(), books));
        _reads = new GroupRead<GrainState<EntityRecord>>(async entities =>
        {
            await ClaimAsync();
            return await store.LoadAsync(_shard, entities);
        });
        this.RegisterGrainTimer(SweepAsync, IdleFor, IdleFor);
        return Task.CompletedTask;
    }

    // Claimed before the first book is read or written, once; a claim the store refused is tried again next time.
    private Task<ShardClaim> ClaimAsync()
    {
        if (_claim is { IsFaulted: true } or { IsCanceled: true }) _claim = null;
        return _claim ??= store.ClaimAsync(_shard).AsTask();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => StoreUnsavedAsync();

    public Task<Admission> AdmitAsync(string entity, EntityEvent e) => RefusingAsync(entity, TakeAsync(entity, e, readmit: false));

    public Task<Admission> ReadmitAsync(string entity, EntityEvent e) => RefusingAsync(entity, TakeAsync(entity, e, readmit: true));

    public Task OnEventEndedAsync(string entity, string taskId) => EndedAsync(entity, taskId, null);

    public Task OnRunEndedAsync(string entity, string taskId, int budget) => EndedAsync(entity, taskId, budget);

    private async Task EndedAsync(string entity, string taskId, int? budget)
    {
        using var gate = await _gates.EnterAsync(entity);
        var book = await LoadAsync(entity);
        if (!book.Sequencer.End(taskId, budget)) return;
        await ReleaseNextAsync(book, endOnly: true);
    }

    public Task EndBeforeForgetAsync(IReadOnlyList<EventOfEntity> events)
        => Task.WhenAll(events.GroupBy(e => e.Entity).Select(g => RefusingAsync(g.Key, EndStoredAsync(g.Key, g.Select(e => e.TaskId)))));

    private async Task<bool> EndStoredAsync(string entity, IEnumerable<string> taskIds)
    {
        using var gate = await _gates.EnterAsync(entity);
        var book = await LoadAsync(entity);
        var ended = false;
        foreach (var taskId in taskIds) ended |= book.Sequencer.End(taskId);
        if (!ended && !book.Unsaved) return false; // an end kept in memory only is as good as lost: stored now
        await ReleaseNextAsync(book);
        return true;
    }

    public Task WithdrawAsync(string entity, string taskId) => RefusingAsync(entity, WithdrawCoreAsync(entity, taskId));

    // A withdrawal can arrive late: a retry of the same submission (a client's, or a duplicate that waited for the
    // failed one) may have been admitted meanwhile, finding the event here, and recorded. Forgetting the event then
    // would leave its successors waiting for an end the book no longer expects. So the event's shard is asked first:
    // only an event it does not know is forgotten; one it has ended counts as handled; one it holds or runs stays.
    private async Task<bool> WithdrawCoreAsync(string entity, string taskId)
    {
        using var gate = await _gates.EnterAsync(entity);
        var book = await LoadAsync(entity);
        var sequencer = book.Sequencer;
        if (!sequencer.Contains(taskId)) return false;
        if (!sequencer.Settle(taskId, await AskRunAsync(taskId))) return false;
        await ReleaseNextAsync(book);
        return true;
    }

    private Task<EventRun> AskRunAsync(string taskId) => GrainFactory.EventShard(taskId).GetRunAsync(taskId).WaitAsync(RunAskLimit, TimeProvider.System);

    // What a caller on another silo hears when the store fails: the house's retryable refusal. Raw, a store's
    // exception may have no codec there, or pass for a failover (Redis' timeout is a TimeoutException), which the
    // client rides out for its whole failover timeout.
    private static async Task<T> RefusingAsync<T>(string entity, Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (Exception e) when (e is not SurgeStoreUnavailableException)
        {
            throw new SurgeStoreUnavailableException($"the book of entity '{entity}' could not be read or stored ({e.GetBaseException().Message}); nothing changed, retry");
        }
    }

    private async Task<Admission> TakeAsync(string entity, EntityEvent e, bool readmit)
    {
        using var gate = await _gates.EnterAsync(entity);
        var book = await LoadAsync(entity);
        var sequencer = book.Sequencer;
        var before = sequencer.Contains(e.TaskId);
        var heldBefore = sequencer.HeldBehindItself(e.TaskId);
        // Every hand-over may settle a stale run: the held successors' shards hand them over again every few seconds,
        // and are what wake an entity whose running event's end was lost. A successor handed over again has waited
        // an upkeep period already, so its predecessor's record is asked at once; a new one asks only after a long run.
        // So does a retried event held behind its own earlier budget's run.
        if (sequencer.Record.Running?.TaskId != e.TaskId || heldBefore) await SettleStaleRunAsync(book, handedOverAgain: before);
        var running = sequencer.Record.Running?.TaskId == e.TaskId;
        var now = time.GetUtcNow();
        var admission = readmit ? sequencer.Readmit(e, now, _maxHeld) : sequencer.Admit(e, now, _maxHeld);
        // Stored when the book changed (a new event, or one it held that this hand-over released), and whenever the
        // answer is "released", which lets the event's shard dispatch it: the write is what fences an activation that
        // another has replaced. Answered from memory, a stale activation released an event the current one had
        // withdrawn (its shard's record then unknown), and its successor waited for an end the book no longer expected.
        // What else a hand-over of a held event may teach it (that it ran before) is learnt again from the next one.
        var newlyHeld = !heldBefore && sequencer.HeldBehindItself(e.TaskId); // held behind its own earlier run: a new event
        if (!before || newlyHeld ? admission != Admission.Full : admission == Admission.Released)
        {
            var release = admission == Admission.Released && !running ? StartRelease(entity, e) : null;
            try
            {
                await SaveAsync(book); // stored before its shard records it, so the shard's record never names an event the entity lost
            }
            catch (Exception failed)
            {
                EndRelease(release, failed);
                throw;
            }
            EndRelease(release);
            ScheduleExpiry(book);
        }
        return admission;
    }

    // The running event's end may have been lost (its shard's silo died between the final record and telling us, or
    // it reached an activation of this shard that another has replaced since): ask its record, at most once per
    // period, before an event waits behind it.
    private async Task SettleStaleRunAsync(Book book, bool handedOverAgain)
    {
        var sequencer = book.Sequencer;
        var now = time.GetUtcNow();
        if (!sequencer.RunningFor(handedOverAgain ? TimeSpan.Zero : StaleAfter, now) || now - book.LastCheck < StaleAfter) return;
        book.LastCheck = now;
        var running = sequencer.Record.Running!.TaskId;
        EventRun run;
        try
        {
            run = await AskRunAsync(running);
        }
        catch (Exception e)
        {
            LogShardUnreachable(running, book.Key, e.Message);
            return;
        }
        if (!sequencer.Settle(running, run)) return;
        LogSettled(running, book.Key, run);
        await ReleaseNextAsync(book);
    }

    // Stores the release first, then tells the released event's shard (one-way: it tells back only if the event does
    // not run after all). If that message is lost, the event stays released here and its shard's upkeep hands it over
    // again, which answers "released".
    // An end that releases nothing (<paramref name="endOnly"/>) is stored with the book's next change, or by the next
    // sweep: nothing anyone sees waits for it. Lost with a silo, the book says the event still runs, and the entity
    // asks its record (SettleStaleRunAsync) before a later event waits behind it.
    private async Task ReleaseNextAsync(Book book, bool endOnly = false)
    {
        var sequencer = book.Sequencer;
        try
        {
            if (endOnly && sequencer.EndMayStoreLater)
            {
                book.Unsaved = true;
                return;
            }
            var now = time.GetUtcNow();
            var held = sequencer.TryReleaseHeld(now);
            var release = held is null ? null : StartRelease(book.Key, held.Event);
            try
            {
                await SaveAsync(book);
            }
            catch (Exception failed)
            {
                EndRelease(release, failed);
                throw;
            }
            if (held is null) return;
            TraceHold(book.Key, held, now);
            var next = held.Event;
            try
            {
                await GrainFactory.EventShard(next.TaskId).OnReleasedAsync(next.TaskId, book.Key);
                EndRelease(release);
            }
            catch (Exception e)
            {
                LogShardUnreachable(next.TaskId, book.Key, e.Message);
                EndRelease(release, e);
            }
        }
        finally
        {
            ScheduleExpiry(book);
        }
    }

    // Under the entity's gate: its book from memory, else from storage.
    private async Task<Book> LoadAsync(string entity)
    {
        if (_books.TryGetValue(entity, out var book))
        {
            book.Used = true;
            return book;
        }
        book = new Book(entity, await _reads.ReadAsync(entity), _maxHandled) { Used = true };
        _books[entity] = book;
        ScheduleExpiry(book);
        return book;
    }

    // A book with nothing held, running or remembered leaves nothing behind in storage; one that remembers handled
    // events keeps them (a later "after" may need them) until the storage's expiry.
    private async Task SaveAsync(Book book)
    {
        try
        {
            await _journal.WriteAsync(new BookWrite(book.Key, book.State));
            book.Unsaved = false;
        }
        catch (Exception e)
        {
            // Memory now differs from storage (Redis away, or a stale copy after a failover): start again from storage.
            // The events' shards hand over whatever the stored book lacks.
            if (_books.TryGetValue(book.Key, out var current) && ReferenceEquals(current, book)) _books.Remove(book.Key);
            if (e is ShardClaimLostException lost)
            {
                LogClaimLost(_shard, lost.Claim.Epoch); // another activation serves this shard: every book here may be stale
                DeactivateOnIdle();
                // The caller may be on another silo, which cannot deserialize ShardClaimLostException: it heard "no codec".
                throw new SurgeStoreUnavailableException(
                    $"the book of entity '{book.Key}' was not stored: entity shard {_shard} is served by a newer activation now; retry");
            }
            throw;
        }
    }

    /// <summary>One entity's book in memory, with its storage version.</summary>
    private sealed class Book(string key, GrainState<EntityRecord> state, int maxHandled)
    {
        public string Key => key;

        public GrainState<EntityRecord> State => state;

        public EntitySequencer Sequencer => new(state.State!, maxHandled); // never null: set on load

        /// <summary>When its running event was last asked after.</summary>
        public DateTimeOffset LastCheck { get; set; }

        /// <summary>Used since the last eviction sweep.</summary>
        public bool Used { get; set; }

        /// <summary>Changed in memory only: an event's end that released nothing (stored by the next write or sweep).</summary>
        public bool Unsaved { get; set; }
    }
}
