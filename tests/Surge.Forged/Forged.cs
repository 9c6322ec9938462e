using Orleans.Concurrency;

// Copies of the silos' internal grain interfaces: same namespaces, names and parameter types, so the generated
// invokables carry the same ids as the real ones. Parameter types that are the silos' own records are empty stand-ins
// here; the calls pass null or default for them.

namespace Surge
{
    // Schedules' and waves' own submissions, which may use the reserved schedule: and wave: ids.
    public interface ISystemTaskShard : IGrainWithIntegerKey
    {
        Task<TaskStatus> SubmitSystemAsync(TaskSpec spec);
    }
}

namespace Surge.Entities
{
    public interface IEventShard : IGrainWithIntegerKey
    {
        Task OnExpiredAsync(string taskId, string reason);
    }

    public interface IEntityShardGrain : IGrainWithIntegerKey
    {
        Task WithdrawAsync(string entity, string taskId);
    }
}

namespace Surge.Tasks
{
    public interface ITaskShardLifecycle : Surge.Entities.IEventShard
    {
        Task OnFinishedAsync(string taskId, Surge.Pools.TaskOutcome outcome);
    }
}

namespace Surge.Pools
{
    [GenerateSerializer] public sealed record TaskOutcome;
    [GenerateSerializer] public sealed record PoolBatch;

    public interface IPoolControl : IGrainWithStringKey
    {
        Task<bool> CancelAsync(string taskId);
    }

    public interface IPoolGrain : IGrainWithIntegerKey
    {
        Task EnqueueAsync(PoolBatch batch);
    }
}

namespace Surge.Routing
{
    [GenerateSerializer] public sealed record DispatchBatch;

    public interface IClassifierGrain : IGrainWithIntegerKey
    {
        Task DispatchAsync(DispatchBatch batch);
    }
}

namespace Surge.Caps
{
    [GenerateSerializer] public sealed record CapRequest;

    public interface ICapGrain : IGrainWithStringKey
    {
        Task<object> SyncAsync(CapRequest request);
    }
}

namespace Surge.Prediction
{
    [GenerateSerializer] public sealed record ModelFile;

    public interface IPredictorControl : IGrainWithStringKey
    {
        Task UseModelAsync(ModelFile model);
    }
}

namespace Surge.Policies
{
    public interface IResultCacheGrain : IGrainWithStringKey
    {
        Task SetAsync(ReadOnlyMemory<byte> result, TimeSpan ttl);
    }
}

namespace Surge.Flows
{
    [GenerateSerializer] public sealed record EntityProgress;

    public interface IWaveEntityGrain : IGrainWithStringKey
    {
        Task<object> GetAsync();
    }

    public interface IScheduledWaveStart : IGrainWithStringKey
    {
        Task<WaveStatus> StartScheduledAsync(WaveRequest request);
    }

    public interface IWaveProgress : IGrainWithStringKey
    {
        [OneWay]
        Task ReportAsync(string entity, EntityProgress progress);
    }
}

namespace Surge.Autoscale
{
    [GenerateSerializer] public sealed record SiloSignal;

    public interface IAutoscaleReporting : IGrainWithIntegerKey
    {
        [OneWay]
        Task ReportAsync(SiloSignal signal);
    }
}

namespace Surge.Security
{
    [GenerateSerializer] public sealed record SessionIdentity;

    public interface IClientSessionGrain : IGrainWithStringKey
    {
        Task SetAsync(SessionIdentity identity);
    }
}
