namespace Surge.Entities;

/// <summary>
/// The ordering rules of one entity, over its <see cref="EntityRecord"/>. Pure: no Orleans, time passed in.
/// An event is ready when nothing of its entity runs, its <c>after</c> event has been handled, and its sequence
/// number (if any) follows the last handled one. Ready events go re-admitted first, then in arrival order; a held
/// event does not block later events that do not depend on it. It remembers the names of its newest
/// <paramref name="maxHandled"/> handled events (and older ones its held events wait for): an <c>after</c> naming an
/// older one is never ready, and fails at the hold limit saying so.
/// </summary>
internal sealed class EntitySequencer(EntityRecord record, int maxHandled = EntityOptions.DefaultMaxHandled)
{
    public EntityRecord Record => record;

    public bool IsIdle => record.Running is null && record.Pending.Count == 0;

    /// <summary>Nothing held or running, and nothing handled that a later event could wait for: the book can go.</summary>
    public bool IsEmpty => IsIdle && record.Handled.Count == 0 && record.LegacyHandled.Count == 0 && record.LastSequence == 0 && record.Skipped.Count == 0;

    public bool Contains(string taskId) => record.Running?.TaskId == taskId || record.Pending.Exists(e => e.Event.TaskId == taskId);

    /// <summary>
    /// Takes an event: released when nothing runs and it is ready, else held, or refused when <paramref name="maxHeld"/>
    /// events wait already. An event it has already is answered as it stands (its shard may ask again).
    /// </summary>
    public Admission Admit(EntityEvent e, DateTimeOffset now, int maxHeld) => Take(e, now, maxHeld, readmitted: false);

    /// <summary>
    /// A dead letter run again: it goes back to its place, ahead of the events that wait, and its own predecessors are
    /// handled already (a sequence number at or below the last handled one counts as ready).
    /// </summary>
    public Admission Readmit(EntityEvent e, DateTimeOffset now, int maxHeld) => Take(e, now, maxHeld, readmitted: true);

    private Admission Take(EntityEvent e, DateTimeOffset now, int maxHeld, bool readmitted)
    {
        // Running already, unless what runs is a run of an earlier budget: a dead letter retried while the book still
        // counts its last run, whose end is on its way (the end and the retry's admission race to the entity). It waits
        // behind that run like any other event; answered "released", it ran, and the late end then let the next event
        // go beside it (bench chaos: overlapping runs of one entity).
        if (record.Running is { } running && running.TaskId == e.TaskId && running.Budget >= e.Budget) return Admission.Released;
        var index = record.Pending.FindIndex(p => p.Event.TaskId == e.TaskId);
        if (index >= 0) return TakeAgain(index, e, now, readmitted);
        if (record.Running is null && IsReady(e, readmitted))
        {
            Run(e, now);
            return Admission.Released;
        }
        if (record.Pending.Count >= maxHeld) return Admission.Full;
        var held = new HeldEvent(e, now, readmitted);
        if (readmitted) record.Pending.Insert(record.Pending.FindLastIndex(p => p.Readmitted) + 1, held);
        else record.Pending.Add(held);
        return Admission.Held;
    }

    // An event held already is answered as it stands, but for one thing a hand-over can add: that a readmitted dead
    // letter ran before (EntityEvent.ReleasedBefore). A silo from before that field readmitted it without it, and it
    // waited for its after, which the entity may have let go; its shard's upkeep, once on a newer silo, hands it over
    // saying so (its record counts a dispatch). Learnt, it runs as soon as nothing else does. Nothing runs and no other
    // held event is ready whenever the entity waits for a call: it releases the first ready one after every change.
    private Admission TakeAgain(int index, EntityEvent e, DateTimeOffset now, bool readmitted)
    {
        var held = record.Pending[index];
        if (!readmitted || !held.Readmitted || !e.ReleasedBefore || held.Event.ReleasedBefore) return Admission.Held;
        held = held with { Event = held.Event with { ReleasedBefore = true } };
        if (record.Running is not null || !IsReady(held.Event, readmitted: true))
        {
            record.Pending[index] = held;
            return Admission.Held;
        }
        record.Pending.RemoveAt(index);
        Run(held.Event, now);
        return Admission.Released;
    }

    /// <summary>Takes the next ready event, or null when one is running or none is ready.</summary>
    public EntityEvent? TryRelease(DateTimeOffset now) => TryReleaseHeld(now)?.Event;

    /// <summary><see cref="TryRelease"/>, with when the released event began to wait.</summary>
    public HeldEvent? TryReleaseHeld(DateTimeOffset now)
    {
        if (record.Running is not null) return null;
        var index = record.Pending.FindIndex(p => IsReady(p.Event, p.Readmitted));
        if (index < 0) return null;
        var next = record.Pending[index];
        record.Pending.RemoveAt(index);
        Run(next.Event, now);
        return next;
    }

    /// <summary>
    /// The event reached a final state and no run of it is left: it counts as handled, running or held (cancelled
    /// before it ran). False when the entity does not have it. <paramref name="budget"/>: the budget the end is of
    /// (<see cref="EntityEvent.Budget"/>; null from older shards: any); a run or hold of a later budget is not ended by it.
    /// </summary>
    public bool End(string taskId, int? budget = null)
    {
        if (record.Running is { } running && running.TaskId == taskId)
        {
            if (running.Budget > budget) return false; // a late end of an earlier budget's run: the current one goes on
            MarkHandled(running);
            record.Running = null;
            return true;
        }
        var index = record.Pending.FindIndex(p => p.Event.TaskId == taskId && !(p.Event.Budget > budget));
        if (index < 0) return false;
        MarkHandled(record.Pending[index].Event);
        record.Pending.RemoveAt(index);
        return true;
    }

    /// <summary>
    /// After an <see cref="End"/>: nothing is held, so nothing is released by it, and the book may reach storage with
    /// its next write instead of now. Lost with a silo, such an end leaves its event "running" in the stored book, and
    /// the entity asks that event's record (settling it as ended) before anything waits behind it.
    /// </summary>
    public bool EndMayStoreLater => record.Pending.Count == 0;

    /// <summary>Forgets an event that was never acknowledged (its shard could not record it): not handled, just gone.</summary>
    public bool Withdraw(string taskId)
    {
        if (record.Running?.TaskId == taskId)
        {
            record.Running = null;
            return true;
        }
        return record.Pending.RemoveAll(p => p.Event.TaskId == taskId) > 0;
    }

    /// <summary>
    /// Brings the book in line with what the event's shard says of its record: one it has ended counts as handled, one
    /// it does not know is forgotten, one it holds or runs stays. Used when an end may have been lost (a stale run) and
    /// before a withdrawal (a retry may have recorded the event since). False when nothing changed.
    /// </summary>
    public bool Settle(string taskId, EventRun run) => run switch
    {
        EventRun.Ended => End(taskId),
        EventRun.Unknown => Withdraw(taskId),
        // Its record holds it: a retry of it waits behind its own earlier run, which is over (that end was lost).
        EventRun.Held => HeldBehindItself(taskId) && End(taskId),
        _ => false,
    };

    /// <summary>A retried event waits behind a run of its earlier budget, which the book still counts (see <see cref="Take"/>).</summary>
    public bool HeldBehindItself(string taskId) => record.Running?.TaskId == taskId && record.Pending.Exists(p => p.Event.TaskId == taskId);

    /// <summary>Whether the running event was released at least <paramref name="age"/> ago.</summary>
    public bool RunningFor(TimeSpan age, DateTimeOffset now) => record.Running is not null && now - record.RunningSince >= age;

    /// <summary>Removes events held for <paramref name="limit"/> or longer, each with the reason it failed.</summary>
    public List<(string TaskId, string Reason, HeldEvent Held)> Expire(DateTimeOffset now, TimeSpan limit, string entity)
    {
        var expired = new List<(string, string, HeldEvent)>();
        record.Pending.RemoveAll(p =>
        {
            if (now - p.Since < limit) return false;
            expired.Add((p.Event.TaskId, Reason(p.Event, p.Readmitted, limit, entity), p));
            return true;
        });
        return expired;
    }

    /// <summary>When the oldest held event expires, or null when none is held.</summary>
    public DateTimeOffset? NextExpiry(TimeSpan limit) => record.Pending.Count == 0 ? null : record.Pending.Min(p => p.Since) + limit;

    private void Run(EntityEvent e, DateTimeOffset now)
    {
        record.Running = e;
        record.RunningSince = now;
    }

    // A cancelled sequence number ahead of the last handled is remembered and passed over when its turn comes, so its
    // successors do not wait for it.
    private void MarkHandled(EntityEvent e)
    {
        if (e.Event is { } name) Remember(name);
        if (e.Sequence is not { } sequence) return;
        if (sequence > record.LastSequence + 1) record.Skipped.Add(sequence);
        else record.LastSequence = Math.Max(record.LastSequence, sequence);
        while (record.Skipped.Count > 0 && record.Skipped.Min <= record.LastSequence + 1)
        {
            record.LastSequence = Math.Max(record.LastSequence, record.Skipped.Min);
            record.Skipped.Remove(record.Skipped.Min);
        }
    }

    // The name goes last (a name handled again is the newest again); past the bound the oldest go, except one a held
    // event waits for: that event is released by it, perhaps only after others, and must still find it then.
    private void Remember(string name)
    {
        var handled = record.HandledSet();
        if (!handled.Add(name)) record.Handled.Remove(name);
        record.Handled.Add(name);
        HashSet<string>? awaited = null;
        for (var i = 0; record.Handled.Count > maxHandled && i < record.Handled.Count;)
        {
            var oldest = record.Handled[i];
            awaited ??= record.Pending.Select(p => p.Event.After).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (awaited.Contains(oldest))
            {
                i++;
                continue;
            }
            record.Handled.RemoveAt(i);
            handled.Remove(oldest);
            record.Forgotten++;
        }
    }

    private bool IsReady(EntityEvent e, bool readmitted)
        => AfterHandled(e, readmitted)
           && (e.Sequence is not { } sequence || sequence == record.LastSequence + 1 || (readmitted && sequence <= record.LastSequence + 1));

    // A dead letter run again that ran before had its after handled then: the name may have been let go past the bound
    // since (more than maxHandled events of the entity were handled meanwhile), and it would wait for it in vain.
    private bool AfterHandled(EntityEvent e, bool readmitted)
        => e.After is null || (readmitted && e.ReleasedBefore) || record.HandledSet().Contains(e.After);

    private string Reason(EntityEvent e, bool readmitted, TimeSpan limit, string entity)
    {
        var afterHandled = AfterHandled(e, readmitted);
        if (!afterHandled && e.After is { } forgotten && record.Forgotten > 0)
            return $"held {limit} waiting for event '{forgotten}' of entity '{entity}', which was never handled, or was handled before the "
                   + $"{maxHandled} most recent handled events the entity remembers; submit it, or raise {EntityOptions.Section}:MaxHandled "
                   + $"or {EntityOptions.Section}:HoldLimit";
        var waitedFor = !afterHandled && e.After is { } after
            ? $"event '{after}'"
            : e.Sequence is { } sequence && sequence <= record.LastSequence
                ? $"nothing: sequence {sequence} came after {record.LastSequence} was handled (a duplicate or late event)"
            : e.Sequence is { } next && next != record.LastSequence + 1
                ? $"sequence {next - 1} (last handled: {record.LastSequence})"
                : $"event '{record.Running?.Event ?? record.Running?.TaskId}' to finish";
        return $"held {limit} waiting for {waitedFor} of entity '{entity}', which was never handled; submit it, or raise {EntityOptions.Section}:HoldLimit";
    }
}
