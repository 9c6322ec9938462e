using Surge.Testing;
using Surge.Cluster.Tests.Processes;
using Surge.Cluster.Tests.Redis;
using Surge.Programs;

namespace Surge.Cluster.Tests.Programs;

/// <summary>
/// A silo that stops (SIGTERM) while a program runs past the drain timeout. The program leads a process group of its
/// own, so nothing kills it with the silo: left running, it would overlap the run another silo starts on recovery.
/// </summary>
[Collection("silo-process")]
public sealed class ProgramDrainTests : IDisposable
{
    private readonly Scripts _scripts = new();

    public void Dispose() => _scripts.Dispose();

    [Fact]
    public async Task Drain_ProgramIgnoringSigtermOutlivesTheTimeout_ItsGroupIsKilledWithTheSilo()
    {
        int gateway = Repo.FreePort(), http = Repo.FreePort(), port = Repo.FreePort();
        using var silo = ChildProcess.StartDotnet(Repo.SiloDll, $"--Surge:Ports:Silo={port}", $"--Surge:Ports:PrimarySilo={port}",
            $"--Surge:Ports:Gateway={gateway}", $"--Surge:Ports:Http={http}", "--Surge:Drain:Timeout=00:00:03",
            "--Surge:Programs:hang:Executable=/bin/sh", $"--Surge:Programs:hang:Arguments:0={_scripts.Write("stubborn.sh", Scripts.Stubborn)}",
            $"--Surge:Programs:hang:Arguments:1={_scripts.Dir}");
        await Repo.WaitForPortAsync(gateway, TimeSpan.FromSeconds(60), "the silo",
            () => silo.HasExited ? $"exit code {silo.ExitCode}:\n{silo.Stdout}\n{silo.Stderr}" : null);

        using var submit = await ChildProcess.RunDotnetAsync(Repo.CliDll, TimeSpan.FromSeconds(60), "submit", "--type", "hang", "--gateway", $"127.0.0.1:{gateway}");
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        var pidFile = Path.Combine(_scripts.Dir, "child.pid");
        await Eventually.TrueAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, "the program to start its child");
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var leader = ProcessTree.GroupOf(child) ?? throw new InvalidOperationException($"child {child} gone before the drain");
        try
        {
            Signals.Terminate(silo.Pid); // both ignore SIGTERM: only the silo's SIGKILL ends them
            await silo.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, silo.ExitCode);
            // Signalled before the silo exited; the kernel takes a moment to finish them off.
            await Eventually.TrueAsync(() => !ProcessTree.IsAlive(child) && !ProcessTree.IsAlive(leader),
                $"program {leader} and its child {child} gone with the silo", TimeSpan.FromSeconds(3));
        }
        finally
        {
            if (ProcessTree.IsAlive(child)) ProcessTree.SignalGroup(leader, ProcessTree.SigKill); // an orphan must not outlive the test
        }
    }
}
