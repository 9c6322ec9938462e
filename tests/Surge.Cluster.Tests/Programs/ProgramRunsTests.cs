using System.Collections.Immutable;
using Surge.Policies;
using Surge.Programs;
using Surge.Workers;

namespace Surge.Cluster.Tests.Programs;

/// <summary>A stopping silo ending the programs its drain gave up on (real processes, the real clock).</summary>
public sealed class ProgramRunsTests : IDisposable
{
    private readonly Scripts _scripts = new();
    private readonly ProgramRuns _runs = new(TimeProvider.System);

    public void Dispose() => _scripts.Dispose();

    private static TaskContext Context() => new()
    {
        TaskId = Guid.NewGuid().ToString("N"), Type = "prog", Payload = ReadOnlyMemory<byte>.Empty,
        Features = ImmutableDictionary<string, FeatureValue>.Empty,
    };

    // Its type's grace is an hour: the silo's bound, not the type's, decides when SIGKILL comes.
    private Task<ReadOnlyMemory<byte>> RunStubborn()
        => new ProgramHandler("prog", new ProgramOptions { Executable = "/bin/sh", Arguments = [_scripts.Write("stubborn.sh", Scripts.Stubborn), _scripts.Dir] },
            new TaskPolicy { HardLimitGrace = TimeSpan.FromHours(1) }, ProgramHost.Detect(), TimeProvider.System, _runs).HandleAsync(Context(), CancellationToken.None).AsTask();

    private async Task<int> ChildAsync()
    {
        var pidFile = Path.Combine(_scripts.Dir, "child.pid");
        await Eventually.TrueAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, "the program to write its child's pid");
        return int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task StopAllAsync_ProgramIgnoringSigterm_GroupKilledWithinTheBoundAndTheRunFails()
    {
        var run = RunStubborn();
        var child = await ChildAsync();
        var leader = ProcessTree.GroupOf(child)!.Value;

        await _runs.StopAllAsync(TimeSpan.FromMilliseconds(200)).WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => !ProcessTree.IsAlive(child) && !ProcessTree.IsAlive(leader), $"program {leader} and child {child} killed", TimeSpan.FromSeconds(5));
        var e = await Assert.ThrowsAsync<ProgramFailedException>(() => run);
        Assert.Contains("the silo shut down", e.Message);
    }

    [Fact]
    public async Task Add_AfterStopAll_ProgramStoppedAtOnce()
    {
        await _runs.StopAllAsync(TimeSpan.Zero);
        var run = RunStubborn();
        var e = await Assert.ThrowsAsync<ProgramFailedException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("the silo shut down", e.Message);
    }
}
