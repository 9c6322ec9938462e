namespace Surge.Entities;

/// <summary>
/// The persisted order book of one entity: which of its events wait, which one runs, and what has been handled. It
/// names events by task id and their ordering keys only; payloads stay in the tasks' records, so the book stays small.
/// </summary>
[GenerateSerializer]
internal sealed class EntityRecord
{
    // Fields behind Handled and LegacyHandled (stored through the properties) and the lookup (never stored).
    [NonSerialized] private List<string> _handled = [];
    [NonSerialized] private HashSet<string>? _handledSet;
    [NonSerialized] private HashSet<string>? _fromOlderSilos;

    /// <summary>
    /// The handled names as a set, in field 1, where silos from before <see cref="Handled"/> was bounded keep them (as
    /// their own <c>Handled</c>). Written with every book, so that in a rolling upgrade an older silo still sees them,
    /// and keeps them when it stores the book (it drops the fields it does not know). Read, any name the list lacks
    /// (handled on an older silo, or a book stored before the bound) joins it as the newest, on first use.
    /// </summary>
    [Id(1)] public HashSet<string> LegacyHandled
    {
        get => HandledSet();
        set => _fromOlderSilos = value;
    }

    /// <summary>
    /// Names of events that reached a final state, oldest first: what <c>after</c> waits for. The newest
    /// <see cref="EntityOptions.MaxHandled"/> are kept, and any older one a held event waits for.
    /// </summary>
    [Id(8)] public List<string> Handled
    {
        get => _handled;
        set
        {
            _handled = value;
            _handledSet = null;
        }
    }

    /// <summary>How many handled names were let go past the bound: an <c>after</c> naming one of them is never ready.</summary>
    [Id(9)] public long Forgotten { get; set; }

    /// <summary>Highest sequence number handled; 0 before the first.</summary>
    [Id(2)] public long LastSequence { get; set; }

    /// <summary>Sequence numbers above <see cref="LastSequence"/> whose events were cancelled while held: passed over, not waited for.</summary>
    [Id(4)] public SortedSet<long> Skipped { get; set; } = [];

    /// <summary>Events not yet released: re-admitted ones (a dead letter retried) first, then in arrival order.</summary>
    [Id(5)] public List<HeldEvent> Pending { get; set; } = [];

    /// <summary>The one released event whose run is not over, if any: events of an entity run one at a time.</summary>
    [Id(6)] public EntityEvent? Running { get; set; }

    /// <summary>When <see cref="Running"/> was released: a release long ago is checked against its task's record.</summary>
    [Id(7)] public DateTimeOffset RunningSince { get; set; }

    /// <summary>
    /// <see cref="Handled"/> as a set, for lookups (and field 1): built on first use after a load, with the names only
    /// field 1 had, and kept in step by <see cref="EntitySequencer"/>.
    /// </summary>
    internal HashSet<string> HandledSet()
    {
        if (_fromOlderSilos is { Count: > 0 } older)
        {
            var known = new HashSet<string>(_handled, StringComparer.Ordinal);
            _handled.AddRange(older.Where(known.Add).Order(StringComparer.Ordinal));
            _handledSet = null;
        }
        _fromOlderSilos = null;
        return _handledSet ??= new HashSet<string>(_handled, StringComparer.Ordinal);
    }
}

/// <summary>
/// What an entity needs of one of its events to order it: its task id and its ordering keys; and the trace of its task
/// (<see cref="TaskSpec.TraceParent"/>), which the entity's spans of it join, also after the book was stored and read back.
/// <see cref="ReleasedBefore"/>: a dead letter run again that its entity released before (its record counts a
/// dispatch), so the event its <c>after</c> names was handled then, whether or not the entity still remembers the name
/// (it keeps only the newest <see cref="EntityOptions.MaxHandled"/>).
/// <see cref="Budget"/>: the attempts its record had counted before its current budget of attempts
/// (<c>TaskRecord.AttemptsBefore</c>): 0 until its dead letter is retried. It tells the end of a run of an earlier budget,
/// which may arrive late, from the end of the current one.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record EntityEvent(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string? Event,
    [property: Id(2)] string? After,
    [property: Id(3)] long? Sequence,
    [property: Id(4)] string? TraceParent = null,
    [property: Id(5)] bool ReleasedBefore = false,
    [property: Id(6)] int Budget = 0)
{
    public static EntityEvent Of(TaskSpec spec) => new(spec.Id, spec.Event, spec.After, spec.Sequence, spec.TraceParent);
}

/// <summary>An event waiting for its predecessor since <see cref="Since"/>. <see cref="Readmitted"/>: a dead letter run again.</summary>
[GenerateSerializer, Immutable]
internal sealed record HeldEvent([property: Id(0)] EntityEvent Event, [property: Id(1)] DateTimeOffset Since, [property: Id(2)] bool Readmitted = false);

/// <summary>What an entity did with an event it was given.</summary>
[GenerateSerializer]
internal enum Admission
{
    /// <summary>It runs now: nothing of the entity runs and its predecessors are handled.</summary>
    Released = 0,
    /// <summary>It waits for its predecessor, or for the running event to end.</summary>
    Held = 1,
    /// <summary>Refused: the entity already holds <see cref="EntityOptions.MaxHeld"/> events.</summary>
    Full = 2,
}

/// <summary>Where a task's run stands, as its shard knows it: what an entity asks before it lets its next event go.</summary>
[GenerateSerializer]
internal enum EventRun
{
    /// <summary>
    /// The shard has no record of it (the submission was never acknowledged, or its record is long gone), or its record
    /// failed at the hold limit: it never ran, and is let go without counting as handled.
    /// </summary>
    Unknown = 0,
    /// <summary>It will run, runs, waits to retry, or is final while a run of it has not ended yet.</summary>
    Running = 1,
    /// <summary>Final, and no run of it is left.</summary>
    Ended = 2,
    /// <summary>Not released yet: its record says the entity holds it.</summary>
    Held = 3,
}
