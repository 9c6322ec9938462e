using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge;
using Surge.Client;
using Surge.Samples;
using Surge.Samples.Client;

// dotnet run --project samples/Surge.Samples.Client -- [--gateway host:port] [--count N] [--size PIXELS] [--max-side PIXELS]
// Without --gateway: Surge:Client:Gateways, else Redis membership (Surge:Redis:ConnectionString or SURGE_REDIS), else 127.0.0.1:30000.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, SampleOptions.Switches);
builder.Logging.AddFilter(null, LogLevel.Warning); // stdout is for results; the Orleans client's chatter stays out
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.UseOrleansClient(client => client.AddSurgeClient());
var options = builder.Configuration.GetSection(SampleOptions.Section).Get<SampleOptions>() ?? new SampleOptions();

using var host = builder.Build();
try
{
    await host.StartAsync();
    var surge = host.Services.GetRequiredService<ISurgeClient>();
    // Submitted at once: each run gets its own scope on the worker, so each result names a different store.
    var requests = Enumerable.Range(1, options.Count).Select(i => Gradient.Image($"sample-{i}", options.Size, options.MaxSide, seed: i)).ToArray();
    var results = await Task.WhenAll(requests.Select(request => surge.RunAsync(SampleTasks.Resize, request, TimeSpan.FromSeconds(options.TimeoutSeconds))));
    foreach (var (request, result) in requests.Zip(results))
    {
        Console.WriteLine($"{result.Name}: {request.Width}x{request.Height} -> {result.Width}x{result.Height}, mean {result.MeanLuminance:F1}, " +
            $"sha256 {result.Sha256[..12]}, written by store #{result.Store} to {result.StoredAs}");
    }
    await host.StopAsync();
    return 0;
}
catch (Exception e) when (e is SurgeTaskFailedException or SurgeUnavailableException or TimeoutException or OrleansException)
{
    Console.Error.WriteLine($"resize failed: {e.Message}");
    return 1;
}
