namespace Surge.Entities;

/// <summary>The persisted order book of one entity.</summary>
[GenerateSerializer]
internal sealed class EntityRecord
{
    /// <summary>Events not yet released, in arrival order.</summary>
    [Id(0)] public List<HeldEvent> Pending { get; set; } = [];

    /// <summary>Names of events that reached a final state: what <c>after</c> waits for.</summary>
    [Id(1)] public HashSet<string> Handled { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Highest sequence number handled; 0 before the first.</summary>
    [Id(2)] public long LastSequence { get; set; }

    /// <summary>The one released event not yet finished, if any: events of an entity run one at a time.</summary>
    [Id(3)] public TaskSpec? Running { get; set; }

    /// <summary>Sequence numbers above <see cref="LastSequence"/> whose events were cancelled while held: passed over, not waited for.</summary>
    [Id(4)] public SortedSet<long> Skipped { get; set; } = [];
}

[GenerateSerializer, Immutable]
internal sealed record HeldEvent([property: Id(0)] TaskSpec Spec, [property: Id(1)] DateTimeOffset Since);
