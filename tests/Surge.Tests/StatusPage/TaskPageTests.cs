using Microsoft.AspNetCore.Http;
using Surge.Hosting;
using Surge.Pools;
using Surge.Tasks;

namespace Surge.Tests.StatusPage;

public class TaskPageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WithAttempt_ManyRetries_KeepsTheLatestTenAndCutsLongErrors()
    {
        var record = new TaskRecord { Spec = TaskSpec.Create("t", id: "x") };
        for (var i = 1; i <= 25; i++) record = record.WithAttempt(new AttemptStatus(i, TaskState.Failed, PoolKind.Short, 1, T0, T0, new string('e', 5_000), "s"));
        Assert.Equal(Enumerable.Range(16, 10), record.History.Select(a => a.Attempt));
        Assert.All(record.History, a => Assert.True(a.Error!.Length <= AttemptStatus.MaxErrorLength + 1));
        Assert.Equal(10, record.ToStatus().History.Length);
    }

    [Fact]
    public void Lifecycle_FailRetryThenSucceed_EachEndedAttemptInTheHistory()
    {
        var policy = new Surge.Policies.TaskPolicy { MaxAttempts = 3 };
        var queued = TaskLifecycle.Submit(null, TaskSpec.Create("t", id: "x"), T0, "silo", held: false).Record!;
        Assert.Equal(T0, queued.QueuedAt);
        var failed = TaskLifecycle.Finished(queued, new TaskOutcome(false, "boom", default, PoolKind.Short, 5, T0, T0.AddSeconds(1), 1), policy, 0, T0.AddSeconds(1)).Record!;
        var again = TaskLifecycle.RetryDue(failed, "silo", T0.AddSeconds(2)).Record!;
        Assert.Equal(T0.AddSeconds(2), again.QueuedAt);
        var done = TaskLifecycle.Finished(again, new TaskOutcome(true, null, default, PoolKind.Long, 5, T0.AddSeconds(3), T0.AddSeconds(4), 2), policy, 0, T0.AddSeconds(4)).Record!;
        Assert.Equal([(1, TaskState.Failed, "boom"), (2, TaskState.Succeeded, (string?)null)], done.History.Select(a => (a.Attempt, a.Outcome, a.Error)));
        Assert.Equal("silo", done.History[0].Silo);
    }

    [Fact]
    public void TaskDetail_LongResultAndTraceParent_ResultCutAndTraceIdRead()
    {
        var status = new TaskStatus
        {
            Id = "x", Type = "t", Result = new byte[OperatorReads.MaxResultBytes + 10],
            TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        };
        var detail = TaskDetail.Of(status);
        Assert.True(detail.ResultCut);
        Assert.Equal(OperatorReads.MaxResultBytes, detail.ResultText!.Length);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", detail.TraceId);
        Assert.True(detail.Status.Result.IsEmpty);
    }

    [Fact]
    public void TaskLists_Merge_TheFirstRowsOfAllShardsInOrderWithTheNextCursor()
    {
        TaskListRow Row(long order, string id) => new(new TaskListKey(order, id), "t", TaskState.Queued, 1, T0, T0, null, null, null);
        var page = TaskLists.Merge([[Row(1, "a"), Row(4, "d")], null, [Row(2, "b"), Row(3, "c")]], limit: 3);
        Assert.Equal(["a", "b", "c"], page.Rows.Select(r => r.Id));
        Assert.Equal(new TaskListKey(3, "c"), TaskListKey.FromCursor(page.Next));
        Assert.Equal(1, page.MissingShards);
        Assert.Null(TaskLists.Merge([[Row(1, "a")]], limit: 3).Next);
    }

    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("confirm", null, null, true)]
    [InlineData("confirm", "http://silo:8080", null, true)]
    [InlineData("confirm", "https://evil.example", null, false)]
    [InlineData("confirm", null, "cross-site", false)]
    [InlineData("confirm", null, "same-origin", true)]
    public void CrossSiteReason_HeaderOriginAndFetchSite_OnlySameOriginWithTheHeaderPasses(string? header, string? origin, string? site, bool allowed)
    {
        var request = new DefaultHttpContext().Request;
        request.Scheme = "http";
        request.Host = new HostString("silo:8080");
        if (header is not null) request.Headers[OperatorActions.ConfirmHeader] = header;
        if (origin is not null) request.Headers.Origin = origin;
        if (site is not null) request.Headers["Sec-Fetch-Site"] = site;
        Assert.Equal(allowed, OperatorActions.CrossSiteReason(request) is null);
    }
}
