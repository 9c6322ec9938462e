using Surge.Tasks;

namespace Surge.Tests.StatusPage;

public class TaskIndexTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Types = ["a", "b", "c"];
    private static readonly TaskState[] States = [TaskState.Queued, TaskState.Held, TaskState.Running, TaskState.Succeeded, TaskState.Failed, TaskState.Retrying, TaskState.Cancelled];

    // Few distinct instants, so ties (broken by id) are common.
    private static TaskRecord RandomRecord(Random random, string id)
    {
        var state = States[random.Next(States.Length)];
        DateTimeOffset? At() => random.Next(4) == 0 ? null : T0.AddSeconds(random.Next(5));
        var spec = TaskSpec.Create(Types[random.Next(Types.Length)], id: id);
        if (random.Next(3) == 0) spec = spec.ForEntity($"e{random.Next(3)}", "ev");
        return new TaskRecord
        {
            Spec = spec, State = state, SubmittedAt = T0.AddSeconds(random.Next(5)), StartedAt = At(), FinishedAt = At(), NextAttemptAt = At(),
            QueuedAt = At(), DeadLettered = state == TaskState.Failed && random.Next(2) == 0, Attempts = random.Next(1, 4),
        };
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Page_RandomChanges_AlwaysEqualsTheFilterOverTheRecords(int seed)
    {
        var random = new Random(seed);
        var index = new TaskIndex();
        var records = new Dictionary<string, TaskRecord>();
        for (var step = 0; step < 600; step++)
        {
            var id = $"t{random.Next(60)}";
            var before = records.GetValueOrDefault(id);
            TaskRecord? after = random.Next(6) == 0 ? null : RandomRecord(random, id);
            if (after is null) records.Remove(id);
            else records[id] = after;
            index.Track(before, after);
            if (step % 20 != 0) continue;
            foreach (var list in Enum.GetValues<TaskList>())
            {
                Assert.Equal(TaskIndex.Scan(records.Values, new TaskListQuery(list, null, null, 1_000)).Select(r => r.Id), index.Ids(list));
                foreach (var type in new string?[] { null, "a", "b", "z" })
                {
                    Assert.Equal(TaskIndex.Scan(records.Values, new TaskListQuery(list, type, null, 1_000)).Count, index.Count(list, type));
                    AssertSamePages(index, records.Values, list, type, limit: 1 + random.Next(7));
                }
            }
            foreach (var entity in new[] { "e0", "e1", "e2" })
                Assert.Equal(records.Values.Where(r => r.Spec.Entity == entity).Select(r => r.Id).Order(), index.OfEntity(entity).Select(r => r.Id).Order());
        }
    }

    // Walks the index page by page from cursor to cursor, and checks each page against the scan from the same cursor.
    private static void AssertSamePages(TaskIndex index, IEnumerable<TaskRecord> records, TaskList list, string? type, int limit)
    {
        TaskListKey? after = null;
        var walked = new List<string>();
        for (var pages = 0; pages < 100; pages++)
        {
            var query = new TaskListQuery(list, type, after, limit);
            var page = index.Page(query).Select(r => r.Id).ToList();
            Assert.Equal(TaskIndex.Scan(records, query).Select(r => r.Id), page);
            walked.AddRange(page);
            if (page.Count < limit) break;
            after = TaskIndex.KeyOf(records.First(r => r.Id == page[^1]), list);
        }
        Assert.Equal(TaskIndex.Scan(records, new TaskListQuery(list, type, null, TaskIndex.MaxPage)).Select(r => r.Id), walked);
    }

    [Fact]
    public void Page_DeadLetters_LatestFailureFirstAndTiesById()
    {
        var index = new TaskIndex();
        TaskRecord Dead(string id, int second) => new()
        {
            Spec = TaskSpec.Create("t", id: id), State = TaskState.Failed, DeadLettered = true, SubmittedAt = T0, FinishedAt = T0.AddSeconds(second),
        };
        foreach (var r in new[] { Dead("x", 1), Dead("b", 3), Dead("a", 3), Dead("y", 2) }) index.Track(null, r);
        Assert.Equal(["a", "b", "y", "x"], index.Page(new TaskListQuery(TaskList.DeadLetters, null, null, 10)).Select(r => r.Id));
    }

    [Fact]
    public void Page_LimitAboveTheMaximum_CappedAtMaxPage()
    {
        var index = new TaskIndex();
        for (var i = 0; i < TaskIndex.MaxPage + 5; i++)
            index.Track(null, new TaskRecord { Spec = TaskSpec.Create("t", id: $"q{i}"), State = TaskState.Queued, SubmittedAt = T0 });
        Assert.Equal(TaskIndex.MaxPage, index.Page(new TaskListQuery(TaskList.Queued, null, null, 10_000)).Count);
    }

    [Fact]
    public void Track_LastOfATypeLeaves_NothingKeptForIt()
    {
        var index = new TaskIndex();
        var held = new TaskRecord { Spec = TaskSpec.Create("gone", id: "h"), State = TaskState.Held, SubmittedAt = T0 };
        index.Track(null, held);
        index.Track(held, held with { State = TaskState.Queued });
        Assert.Equal(0, index.Count(TaskList.Held, "gone"));
        Assert.Equal(1, index.Count(TaskList.Queued, "gone"));
    }

    [Fact]
    public void Cursor_RoundTrips_AndAForgedOneIsRefused()
    {
        var key = new TaskListKey(-638712345678901234, "id.with.dots");
        Assert.Equal(key, TaskListKey.FromCursor(key.ToCursor()));
        Assert.Null(TaskListKey.FromCursor(null));
        Assert.Throws<SurgeValidationException>(() => TaskListKey.FromCursor("not-a-cursor"));
    }
}
