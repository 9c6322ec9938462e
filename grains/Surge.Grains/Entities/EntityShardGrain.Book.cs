namespace Surge.Entities;

// The status page's view of one entity's order book: read under the entity's gate, so it is one consistent moment.
internal sealed partial class EntityShardGrain
{
    public Task<EntityBookView> GetBookAsync(string entity) => RefusingAsync(entity, ViewAsync(entity));

    private async Task<EntityBookView> ViewAsync(string entity)
    {
        using var gate = await _gates.EnterAsync(entity);
        var record = (await LoadAsync(entity)).Sequencer.Record;
        return new EntityBookView(record.Running?.TaskId, record.Running is null ? null : record.RunningSince,
            [.. record.Pending.Take(EntityBookView.MaxWaiting).Select(p => p.Event.TaskId)], record.Pending.Count, record.HandledSet().Count, record.LastSequence);
    }
}

/// <summary>
/// One entity's order book as the status page shows it: the event running now, the events waiting in the order they
/// will be released (the first <see cref="MaxWaiting"/>), and how many have been handled.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record EntityBookView(
    [property: Id(0)] string? Running,
    [property: Id(1)] DateTimeOffset? RunningSince,
    [property: Id(2)] string[] Waiting,
    [property: Id(3)] int WaitingCount,
    [property: Id(4)] int HandledCount,
    [property: Id(5)] long LastSequence)
{
    public const int MaxWaiting = 100;
}
