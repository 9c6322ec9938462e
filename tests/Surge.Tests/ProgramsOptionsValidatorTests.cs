using Surge.Programs;

namespace Surge.Tests;

/// <summary>What a silo must offer to contain its programs, checked at start-up against a described machine.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // token files by Unix mode
public sealed class ProgramsOptionsValidatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("surge-token-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ProgramHost Host(string? setsid = "/usr/bin/setsid", string? setpriv = "/usr/bin/setpriv", bool canSwitch = true, string? token = null, string? flock = "/usr/bin/flock")
        => new(setsid, setpriv, canSwitch, UserId: 1654, token ?? Path.Combine(_dir, "no-token")) { Flock = flock, Shell = "/bin/sh" };

    private string Token(UnixFileMode mode)
    {
        var path = Path.Combine(_dir, "token");
        File.WriteAllText(path, "eyJ...");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private static IReadOnlyList<string> Failures(ProgramHost host, Action<ProgramOptions>? configure = null)
    {
        var program = new ProgramOptions { Executable = "/bin/sh" };
        configure?.Invoke(program);
        var result = new ProgramsOptionsValidator(host).Validate(null, new ProgramsOptions { Types = { ["prog"] = program } });
        return result.Failed ? [.. result.Failures] : [];
    }

    [Fact]
    public void Validate_Contained_NoFailure() => Assert.Empty(Failures(Host()));

    [Fact]
    public void Validate_NoSetsidOnLinux_FailsNamingTheFix()
    {
        var failures = Failures(Host(setsid: null));
        if (!OperatingSystem.IsLinux()) Assert.Empty(failures); // elsewhere programs run ungrouped
        else Assert.Contains(failures, f => f.Contains("setsid", StringComparison.Ordinal) && f.Contains("util-linux", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoFlockOnLinux_FailsNamingTheFix()
    {
        var failures = Failures(Host(flock: null));
        if (!OperatingSystem.IsLinux() || Environment.ProcessId == 1) Assert.Empty(failures); // no watchdog there
        else Assert.Contains(failures, f => f.Contains("lacks flock", StringComparison.Ordinal) && f.Contains("util-linux", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RunAsUserOnASiloThatCannotSwitchUsers_Fails()
        => Assert.Contains(Failures(Host(canSwitch: false), p => p.RunAsUser = 1655), f => f.Contains("CAP_SETUID", StringComparison.Ordinal));

    [Fact]
    public void Validate_RunAsUserWithoutSetpriv_Fails()
        => Assert.Contains(Failures(Host(setpriv: null), p => p.RunAsUser = 1655), f => f.Contains("setpriv", StringComparison.Ordinal));

    [Fact]
    public void Validate_RunAsGroupAlone_Fails()
        => Assert.Contains(Failures(Host(), p => p.RunAsGroup = 1655), f => f.Contains("RunAsGroup is set without RunAsUser", StringComparison.Ordinal));

    [Fact]
    public void Validate_TokenReadableAndProgramAsTheSilosUser_FailsUnlessAllowed()
    {
        var host = Host(token: Token(UnixFileMode.UserRead));
        Assert.Contains(Failures(host), f => f.Contains("service-account token", StringComparison.Ordinal) && f.Contains("RunAsUser", StringComparison.Ordinal));
        Assert.Empty(Failures(host, p => p.AllowServiceAccountToken = true));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead, true)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite, true)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, false)] // 0444: the kubelet's default
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead, false)]
    public void Validate_TokenAndProgramAsAnotherUser_PassesOnlyWhenTheTokenIsItsOwnersAlone(UnixFileMode mode, bool passes)
    {
        var failures = Failures(Host(token: Token(mode)), p => p.RunAsUser = 1655);
        Assert.Equal(passes, !failures.Any(f => f.Contains("service-account token", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("SURGE_REDIS")]
    [InlineData("LANG=C")]
    [InlineData(" ")]
    public void Validate_InheritEnvironmentOfSilosSettingsOrNotAName_Fails(string variable)
        => Assert.Contains(Failures(Host(), p => p.InheritEnvironment = [variable]), f => f.Contains("InheritEnvironment", StringComparison.Ordinal));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_MaxMemoryMbBelowOne_Fails(int mb)
        => Assert.Contains(Failures(Host(), p => p.MaxMemoryMb = mb), f => f.Contains("MaxMemoryMb", StringComparison.Ordinal));
}
