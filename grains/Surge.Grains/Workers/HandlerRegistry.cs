using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;

namespace Surge.Workers;

/// <summary>
/// The task types this silo can run, known at start-up: registered handlers, and those of handler sources (configured
/// programs). A registered handler is resolved for each run from a DI scope of that run's own (<see cref="BeginAsync"/>).
/// </summary>
internal sealed class HandlerRegistry
{
    private readonly FrozenDictionary<string, Entry> _handlers;
    private readonly IServiceScopeFactory _scopes;

    public HandlerRegistry(IServiceProvider services, IEnumerable<HandlerRegistration> registrations, IEnumerable<IHandlerSource>? sources = null)
    {
        _scopes = services.GetRequiredService<IServiceScopeFactory>();
        // A type registered twice keeps the last handler type, as the keyed service it names does.
        var handlers = registrations
            .GroupBy(r => r.Type, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Entry(null, g.Last().HandlerType), StringComparer.Ordinal);
        foreach (var source in sources ?? [])
        {
            foreach (var (type, handler) in source.Handlers())
            {
                if (handlers.ContainsKey(type))
                    throw new InvalidOperationException($"task type '{type}' has a handler and is also configured under {source.Section}; keep one");
                handlers[type] = new Entry(handler, handler.GetType());
            }
        }
        _handlers = handlers.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Types => _handlers.Keys;

    /// <summary>
    /// Opens a run of <paramref name="type"/>: a new DI scope and the handler resolved from it. The caller disposes the
    /// run when it ends, however it ends. Throws when the type is unknown or its handler cannot be built.
    /// </summary>
    public async ValueTask<HandlerRun> BeginAsync(string type)
    {
        if (!_handlers.TryGetValue(type, out var entry))
            throw new InvalidOperationException($"no handler for type '{type}' on this silo");
        var scope = _scopes.CreateAsyncScope();
        try
        {
            return new HandlerRun(scope, entry.Instance ?? scope.ServiceProvider.GetRequiredKeyedService<ITaskHandler>(type));
        }
        catch
        {
            await scope.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The version a <see cref="IVersionedHandler"/> declares for <paramref name="type"/>; null when its handler has none.</summary>
    public string? VersionOf(string type) => With<IVersionedHandler, string>(type, static v => v.Version);

    /// <summary>Throws the edge error for a task this silo cannot run: no handler for its type, or a payload its handler refuses.</summary>
    public void Validate(TaskSpec spec)
    {
        EnsureKnown(spec.Type);
        With<IValidatingHandler, bool>(spec.Type, v =>
        {
            v.Validate(spec);
            return true;
        });
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

    // Submission-time questions a handler may answer (validation, version). A handler whose type is known not to
    // answer is never built for them; one that may is built in a short scope of its own, outside any run.
    private TResult? With<TFace, TResult>(string type, Func<TFace, TResult> ask) where TFace : class
    {
        if (!_handlers.TryGetValue(type, out var entry)) return default;
        if (entry.Instance is { } instance) return instance is TFace face ? ask(face) : default;
        if (entry.HandlerType is { } handlerType && !typeof(TFace).IsAssignableFrom(handlerType)) return default;
        using var scope = _scopes.CreateScope();
        return scope.ServiceProvider.GetRequiredKeyedService<ITaskHandler>(type) is TFace asked ? ask(asked) : default;
    }

    /// <summary>A fixed handler (from a source), or null to resolve the keyed one per run; its class when known.</summary>
    private sealed record Entry(ITaskHandler? Instance, Type? HandlerType);
}

/// <summary>Handlers made from configuration rather than registered one by one (configured programs).</summary>
internal interface IHandlerSource
{
    /// <summary>The configuration section the handlers come from, for errors.</summary>
    string Section { get; }

    IEnumerable<(string Type, ITaskHandler Handler)> Handlers();
}

/// <summary>
/// Marks a task type as handled; the handler itself is a keyed <see cref="ITaskHandler"/> service.
/// <paramref name="HandlerType"/> is the class the keyed service resolves to, when known (null: only a run tells).
/// </summary>
internal sealed record HandlerRegistration(string Type, Type? HandlerType = null);
