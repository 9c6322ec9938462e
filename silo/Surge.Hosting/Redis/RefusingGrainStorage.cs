using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Surge.Hosting.Redis;

/// <summary>
/// A grain storage whose failed reads say what the house's other stores say: <see cref="SurgeStoreUnavailableException"/>,
/// which the client retries a few times and then reports as "unavailable, safe to retry". A read fails when a grain
/// with state activates while Redis is away; raw, Orleans passed the Redis client's exception to the caller inside an
/// <c>OrleansException</c>, which the client did not take for the store's refusal (a schedule call was answered
/// "Error from storage provider" instead). Writes need nothing here: every Surge write goes through
/// <see cref="StateWrites"/>, which undoes the change in memory and refuses the same way.
/// </summary>
internal sealed class RefusingGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.ReadStateAsync(stateName, grainId, grainState);
        }
        catch (Exception e) when (e is not SurgeStoreUnavailableException and not InconsistentStateException)
        {
            throw new SurgeStoreUnavailableException($"the store could not read the {stateName} of {grainId} ({e.GetBaseException().Message}); nothing changed, retry");
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

    // Orleans registers a storage that takes part in the silo's lifecycle (Redis' connects there) by casting the keyed
    // storage: the wrapper passes the part on.
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    /// <summary>Wraps the grain storage registered under <paramref name="name"/>, however it is made.</summary>
    public static void Wrap(IServiceCollection services, string name)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, name));
        var create = registered.KeyedImplementationFactory
            ?? throw new InvalidOperationException($"grain storage '{name}' is not registered by a factory; it cannot be wrapped");
        services.Remove(registered);
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => new RefusingGrainStorage((IGrainStorage)create(sp, key)));
    }
}
