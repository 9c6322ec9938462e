using Surge.Routing;

namespace Surge.Pools;

/// <summary>A pool (keyed by its name) on the calling silo: hands routed tasks to this silo's executor.</summary>
internal interface IPoolGrain : IGrainWithStringKey
{
    Task EnqueueAsync(TaskSpec spec, RouteDecision decision, int attempt);
}
