using Surge.Client;
using Surge.Replay;

namespace Surge.Silo;

/// <summary>
/// <c>--demo</c>: once the silo is up, replays the bundled sample workloads through the Orleans client, prints
/// each report, and stops the silo. What a newcomer runs first.
/// </summary>
internal static class Demo
{
    public const string Flag = "--demo";
    private static readonly string[] Samples = ["mixed-600.jsonl", "ordered-300.jsonl"];

    public static (string[] Remaining, bool Demo) TakeFlag(string[] args)
        => (args.Where(a => a != Flag).ToArray(), args.Contains(Flag));

    public static IHostApplicationBuilder AddSurgeDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSurgeClient();
        builder.Services.AddHostedService<DemoRunner>();
        return builder;
    }

    private sealed class DemoRunner(ISurgeClient client, IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await WaitForStartAsync(lifetime, stoppingToken);
            try
            {
                foreach (var sample in Samples)
                {
                    var path = Path.Combine(AppContext.BaseDirectory, "samples", sample);
                    Console.WriteLine($"\n== Replaying {sample} (tasks submitted at their offsets by 4 producers) ==");
                    var report = await ReplayRun.RunAsync(client, WorkloadReader.Read(path), sample, new ReplayOptions(), progress: null, stoppingToken);
                    Console.WriteLine(report.ToJson(indented: true));
                }
                Console.WriteLine("\nDemo done: short tasks kept their own pool, every build's events ran in order. Stopping the silo.");
            }
            finally
            {
                lifetime.StopApplication();
            }
        }

        private static Task WaitForStartAsync(IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
        {
            var started = new TaskCompletionSource();
            lifetime.ApplicationStarted.Register(() => started.TrySetResult());
            return started.Task.WaitAsync(cancellationToken);
        }
    }
}
