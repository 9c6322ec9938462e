using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;

namespace Surge.Workers;

/// <summary>The task types this silo can run, resolved once at start-up: registered handlers, and those of handler sources (configured programs).</summary>
internal sealed class HandlerRegistry
{
    private readonly FrozenDictionary<string, ITaskHandler> _handlers;

    public HandlerRegistry(IServiceProvider services, IEnumerable<HandlerRegistration> registrations, IEnumerable<IHandlerSource>? sources = null)
    {
        var handlers = registrations
            .GroupBy(r => r.Type, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => services.GetRequiredKeyedService<ITaskHandler>(g.Key), StringComparer.Ordinal);
        foreach (var source in sources ?? [])
        {
            foreach (var (type, handler) in source.Handlers())
            {
                if (handlers.ContainsKey(type))
                    throw new InvalidOperationException($"task type '{type}' has a handler and is also configured under {source.Section}; keep one");
                handlers[type] = handler;
            }
        }
        _handlers = handlers.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Types => _handlers.Keys;

    public bool TryGet(string type, out ITaskHandler handler) => _handlers.TryGetValue(type, out handler!);

    /// <summary>Throws the edge error for a task this silo cannot run: no handler for its type, or a payload its handler refuses.</summary>
    public void Validate(TaskSpec spec)
    {
        EnsureKnown(spec.Type);
        if (_handlers[spec.Type] is IValidatingHandler validating) validating.Validate(spec);
    }

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

/// <summary>Handlers made from configuration rather than registered one by one (configured programs).</summary>
internal interface IHandlerSource
{
    /// <summary>The configuration section the handlers come from, for errors.</summary>
    string Section { get; }

    IEnumerable<(string Type, ITaskHandler Handler)> Handlers();
}

/// <summary>Marks a task type as handled; the handler itself is a keyed <see cref="ITaskHandler"/> service.</summary>
internal sealed record HandlerRegistration(string Type);
