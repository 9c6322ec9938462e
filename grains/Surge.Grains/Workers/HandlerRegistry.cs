using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;

namespace Surge.Workers;

/// <summary>The task types this silo can run, resolved once at start-up.</summary>
internal sealed class HandlerRegistry
{
    private readonly FrozenDictionary<string, ITaskHandler> _handlers;

    public HandlerRegistry(IServiceProvider services, IEnumerable<HandlerRegistration> registrations)
    {
        _handlers = registrations
            .GroupBy(r => r.Type, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => services.GetRequiredKeyedService<ITaskHandler>(g.Key), StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Types => _handlers.Keys;

    public bool TryGet(string type, out ITaskHandler handler) => _handlers.TryGetValue(type, out handler!);

    /// <summary>Throws the edge error for a type with no handler, listing the ones there are.</summary>
    public void EnsureKnown(string type)
    {
        if (!_handlers.ContainsKey(type))
        {
            throw new SurgeValidationException("type",
                $"no handler is registered for '{type}'; registered types: {string.Join(", ", _handlers.Keys.Order())}. Register one with AddSurgeWorkers(w => w.AddHandler<T>(\"{type}\"))");
        }
    }
}

/// <summary>Marks a task type as handled; the handler itself is a keyed <see cref="ITaskHandler"/> service.</summary>
internal sealed record HandlerRegistration(string Type);
