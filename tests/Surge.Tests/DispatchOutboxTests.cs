using Microsoft.Extensions.Time.Testing;
using Surge.Routing;

namespace Surge.Tests;

public class DispatchOutboxTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<(string Silo, int Tasks)> _delivered = [];

    private DispatchOutbox Outbox(TaskCompletionSource? gate = null) => new(_ => Task.CompletedTask, async (silo, batch) =>
    {
        lock (_delivered) _delivered.Add((silo, batch.Items.Length));
        if (gate is not null) await gate.Task;
    }, _time);

    private static TaskDispatch Dispatch(string id) => new(TaskSpec.Create("t", id: id), 1);

    [Fact]
    public async Task Send_NewSiloAfterOthersIdledPastForgetAfter_ForgetsTheirLanes()
    {
        var outbox = Outbox();
        await outbox.Send(Dispatch("a"), "silo-1");
        await outbox.Send(Dispatch("b"), "silo-2");
        Assert.Equal(2, outbox.RemoteLanes);

        _time.Advance(DispatchOutbox.ForgetAfter - TimeSpan.FromSeconds(1));
        await outbox.Send(Dispatch("c"), "silo-3"); // silo-1 and silo-2 idle just under the limit: kept
        Assert.Equal(3, outbox.RemoteLanes);

        _time.Advance(TimeSpan.FromSeconds(1));
        await outbox.Send(Dispatch("d"), "silo-4"); // now silo-1 and silo-2 (not silo-3) have idled for ForgetAfter
        Assert.Equal(2, outbox.RemoteLanes);

        await outbox.Send(Dispatch("e"), "silo-1"); // a silo sent to again gets a lane again
        Assert.Equal(3, outbox.RemoteLanes);
        Assert.Equal(["silo-1", "silo-2", "silo-3", "silo-4", "silo-1"], _delivered.Select(d => d.Silo));
    }

    [Fact]
    public async Task Send_LaneWithABatchInFlight_IsNotForgottenAndDeliversEverything()
    {
        var gate = new TaskCompletionSource();
        var outbox = Outbox(gate);
        var first = outbox.Send(Dispatch("a"), "silo-1"); // in flight until the gate opens
        var second = outbox.Send(Dispatch("b"), "silo-1"); // waits for the next batch
        _time.Advance(DispatchOutbox.ForgetAfter * 2);
        var third = outbox.Send(Dispatch("c"), "silo-2"); // a new silo: idle lanes are forgotten, but silo-1's is busy
        Assert.Equal(2, outbox.RemoteLanes);

        gate.SetResult();
        await Task.WhenAll(first, second, third).WaitAsync(TimeSpan.FromSeconds(10));
        lock (_delivered)
        {
            Assert.Equal(2, _delivered.Where(d => d.Silo == "silo-1").Sum(d => d.Tasks));
            Assert.Equal(1, _delivered.Where(d => d.Silo == "silo-2").Sum(d => d.Tasks));
        }
    }
}
