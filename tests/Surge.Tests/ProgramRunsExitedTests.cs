using System.Diagnostics;
using Surge.Programs;

namespace Surge.Tests;

/// <summary>
/// A program that had already exited, with its work done, when the silo's stop ended its
/// runs must not count as "stopped unfinished". Its handler keeps the run tracked until it returns (it still reads the
/// pipes, up to a second, and the memory watch) and checks StoppedBySilo only then: marked, the success becomes a
/// ProgramFailedException, which a given-up item does not report, and recovery runs the finished program again.
/// </summary>
public sealed class ProgramRunsExitedTests
{
    [Fact]
    public async Task StopAllAsync_ProgramAlreadyExited_NotMarkedStoppedBySilo()
    {
        // A stand-in process this test owns (the group signals only what it saw); the program's exit is already complete.
        using var stand = Process.Start(new ProcessStartInfo("/bin/sleep", "30") { UseShellExecute = false })!;
        try
        {
            var runs = new ProgramRuns(TimeProvider.System);
            using var run = runs.Add(new ProgramGroup(stand.Id, grouped: false), Task.CompletedTask, TimeSpan.FromSeconds(1));

            await runs.StopAllAsync(TimeSpan.FromSeconds(1)).WaitAsync(TimeSpan.FromSeconds(10));

            Assert.False(run.StoppedBySilo, "a program that exited before the silo's stop reached it finished its work");
        }
        finally
        {
            try { stand.Kill(); } catch (InvalidOperationException) { }
        }
    }
}
