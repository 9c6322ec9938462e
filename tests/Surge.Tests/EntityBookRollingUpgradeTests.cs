using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Surge.Entities;

namespace Surge.Tests;

/// <summary>
/// During a rolling upgrade an older silo reads the books newer ones store. The older EntityRecord knows its handled
/// names only as field 1 (a HashSet&lt;string&gt; Handled); field 8 (the bounded list) is unknown to it and skipped, and
/// dropped when it stores the book again. So what field 1 carries is all an older silo sees of the entity's handled
/// events: empty, an "after" it admits would wait to its hold limit, and its next write would erase the history.
/// </summary>
public sealed class EntityBookRollingUpgradeTests
{
    private static readonly Serializer<EntityRecord> Books = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(EntityRecord).Assembly).AddAssembly(typeof(TaskSpec).Assembly))
        .BuildServiceProvider().GetRequiredService<Serializer<EntityRecord>>();

    [Fact]
    public void Store_BookThisVersionHandledAnEventIn_AnOlderSiloStillSeesItsHandledNames()
    {
        var now = DateTimeOffset.UnixEpoch;
        var sequencer = new EntitySequencer(new EntityRecord());
        Assert.Equal(Admission.Released, sequencer.Admit(new EntityEvent("t1", "build.started", null, null), now, maxHeld: 100));
        Assert.True(sequencer.End("t1"));

        var stored = Books.Deserialize(Books.SerializeToArray(sequencer.Record))!;

        // Field 1 is what an older silo reads as Handled.
        Assert.Contains("build.started", stored.LegacyHandled);
    }
}
