using System.Net.Sockets;

namespace Surge.Cluster.Tests.Processes;

/// <summary>Where the repository and its built programs are, seen from a test binary.</summary>
internal static class Repo
{
    public static readonly string Root = FindRoot();

    // bin/<Configuration>/net10.0: test the programs built in the same configuration as the tests.
    private static readonly string Configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public static string SiloDll => Built("silo/Surge.Silo", "Surge.Silo.dll");
    public static string CliDll => Built("client/Surge.Cli", "surge.dll");
    public static string BenchDll => Built("bench/Surge.Bench", "Surge.Bench.dll");
    public static string SampleWorkerDll => Built("samples/Surge.Samples.Worker", "Surge.Samples.Worker.dll");
    public static string SampleClientDll => Built("samples/Surge.Samples.Client", "Surge.Samples.Client.dll");
    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>Issue 19's forged client (tests/Surge.Forged): an assembly named like the silos' own.</summary>
    public static string ForgedDll => Built("tests/Surge.Forged", "Surge.Grains.dll");

    public static int FreePort() => FreePorts.Next();

    /// <summary>
    /// Waits until something listens on the loopback port. <paramref name="died"/> says why waiting is pointless (the
    /// process exited), or null while it is worth waiting.
    /// </summary>
    public static Task WaitForPortAsync(int port, TimeSpan limit, string what, Func<string?> died)
        => Eventually.TrueAsync(async () =>
        {
            if (died() is { } why) throw new InvalidOperationException($"{what} exited: {why}");
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"{what} to listen on {port}", limit);

    private static string Built(string project, string dll)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; build the solution first (dotnet build Orleans.sln -c {Configuration})");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
