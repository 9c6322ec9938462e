namespace Surge.Routing;

/// <summary>Routes a ready task to a pool of this silo. A stateless worker: every silo has its own, called locally.</summary>
internal interface IClassifierGrain : IGrainWithIntegerKey
{
    Task<RouteDecision> DispatchAsync(TaskSpec spec, int attempt);
}
