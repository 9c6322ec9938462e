using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Surge;
using Surge.Autoscale;
using Surge.Caps;
using Surge.Entities;
using Surge.Flows;
using Surge.Policies;
using Surge.Pools;
using Surge.Prediction;
using Surge.Routing;
using Surge.Security;
using Surge.Tasks;

// Surge.Grains.dll GATEWAY_PORT TASK_ID: calls one method of each internal interface as a client, the task's shard for
// the shard's; prints one line per call ("refused", "ALLOWED" or the other error) and exits 0 when every call that
// answers was refused with SurgeAccessDeniedException. One-way calls never answer: the silo's metrics show those.
var (port, taskId) = (int.Parse(args[0]), args[1]);
var builder = Host.CreateApplicationBuilder();
builder.Logging.AddFilter(null, LogLevel.Warning);
builder.UseOrleansClient(c => c.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, port))
    .Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("surge", "surge")));
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IClusterClient>();
var silo = (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys.First().ToParsableString();
var shard = TaskShards.For(taskId);

var answered = new (string Call, Func<Task> Make)[]
{
    ("IEventShard.OnExpiredAsync", () => grains.GetGrain<IEventShard>(shard).OnExpiredAsync(taskId, "forged by a client")),
    ("ITaskShardLifecycle.OnFinishedAsync", () => grains.GetGrain<ITaskShardLifecycle>(shard).OnFinishedAsync(taskId, null!)),
    ("IEntityShardGrain.WithdrawAsync", () => grains.GetGrain<IEntityShardGrain>(shard).WithdrawAsync("forged", taskId)),
    ("IPoolControl.CancelAsync", () => grains.GetGrain<IPoolControl>(silo).CancelAsync(taskId)),
    ("IPoolGrain.EnqueueAsync", () => grains.GetGrain<IPoolGrain>(0).EnqueueAsync(null!)),
    ("IClassifierGrain.DispatchAsync", () => grains.GetGrain<IClassifierGrain>(0).DispatchAsync(null!)),
    ("ICapGrain.SyncAsync", () => grains.GetGrain<ICapGrain>("forged").SyncAsync(null!)),
    ("IPredictorControl.UseModelAsync", () => grains.GetGrain<IPredictorControl>(silo).UseModelAsync(null!)),
    ("IResultCacheGrain.SetAsync", () => grains.GetGrain<IResultCacheGrain>("forged").SetAsync(new byte[] { 1 }, TimeSpan.FromHours(1))),
    ("IWaveEntityGrain.GetAsync", () => grains.GetGrain<IWaveEntityGrain>("forged/entity").GetAsync()),
    ("ISystemTaskShard.SubmitSystemAsync", () => grains.GetGrain<ISystemTaskShard>(0).SubmitSystemAsync(TaskSpec.Create("simulate", id: "schedule:forged:20260101T000000Z"))),
    ("IScheduledWaveStart.StartScheduledAsync", () => grains.GetGrain<IScheduledWaveStart>("schedule.forged.x").StartScheduledAsync(null!)),
    ("IScheduleIndexGrain.AddAsync", () => grains.GetGrain<IScheduleIndexGrain>(0).AddAsync("forged")),
    ("IWaveIndexGrain.AddAsync", () => grains.GetGrain<IWaveIndexGrain>(0).AddAsync("forged")),
    // Would plant a session under any client id it names.
    ("IClientSessionGrain.SetAsync", () => grains.GetGrain<IClientSessionGrain>("sys.client/forged").SetAsync(null!)),
};
var failures = 0;
foreach (var (call, make) in answered)
{
    try
    {
        await make();
        Console.WriteLine($"{call}: ALLOWED");
        failures++;
    }
    catch (SurgeAccessDeniedException e)
    {
        Console.WriteLine($"{call}: refused ({e.Message})");
    }
    catch (Exception e)
    {
        Console.WriteLine($"{call}: {e.GetType().Name}: {e.Message}");
        failures++;
    }
}
// One-way: sent, never answered.
await grains.GetGrain<IWaveProgress>("forged").ReportAsync("entity", null!);
await grains.GetGrain<IAutoscaleReporting>(0).ReportAsync(null!);
Console.WriteLine("IWaveProgress.ReportAsync: sent");
Console.WriteLine("IAutoscaleReporting.ReportAsync: sent");
await host.StopAsync();
return failures == 0 ? 0 : 1;
