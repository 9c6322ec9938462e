using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Surge.Policies;
using Surge.Programs;
using Surge.Workers;

namespace Surge.Hosting;

/// <summary>Registers task handlers: typed, <c>AddSurgeWorkers(w =&gt; w.AddHandler&lt;ResizeHandler&gt;())</c>, or byte-level, <c>w.AddHandler&lt;ResizeImage&gt;("resize")</c>.</summary>
public sealed class SurgeWorkersBuilder(IServiceCollection services)
{
    /// <summary>The silo's services, for what a handler depends on (a <c>DbContext</c>, an HTTP client).</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>
    /// Runs tasks of <paramref name="type"/> with <typeparamref name="THandler"/>, resolved from each run's own DI scope
    /// (scoped unless the host registered <typeparamref name="THandler"/> itself, e.g. as a singleton).
    /// </summary>
    public SurgeWorkersBuilder AddHandler<THandler>(string type) where THandler : class, ITaskHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        Services.TryAddScoped<THandler>();
        Services.AddKeyedScoped<ITaskHandler>(type, static (sp, _) => sp.GetRequiredService<THandler>());
        Services.AddSingleton(new HandlerRegistration(type, typeof(THandler)));
        return this;
    }

    /// <summary>
    /// Runs the typed tasks of <typeparamref name="THandler"/>'s <see cref="ITaskHandler{TIn, TOut}.TaskType"/>, reading
    /// payloads and writing results as its JSON says. Resolved from each run's own DI scope (scoped unless the host
    /// registered <typeparamref name="THandler"/> itself). Adding the same handler again changes nothing; another
    /// handler for a type already handled is refused.
    /// </summary>
    public SurgeWorkersBuilder AddHandler<THandler>() where THandler : class
    {
        // The handler's TIn and TOut are not type arguments here (C# cannot infer them from THandler alone), so the
        // adapter is closed over them once, at registration; runs call it without reflection.
        var typed = typeof(THandler).GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ITaskHandler<,>)).ToArray();
        if (typed.Length != 1)
        {
            throw new ArgumentException(typed.Length == 0
                ? $"{typeof(THandler).Name} is not an ITaskHandler<TIn, TOut>; register a byte-level handler with AddHandler<{typeof(THandler).Name}>(\"type\")"
                : $"{typeof(THandler).Name} implements ITaskHandler<TIn, TOut> {typed.Length} times; a handler runs one task type", nameof(THandler));
        }
        var args = typed[0].GetGenericArguments();
        var register = typeof(SurgeWorkersBuilder).GetMethod(nameof(AddTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        register.MakeGenericMethod(typeof(THandler), args[0], args[1]).Invoke(this, System.Reflection.BindingFlags.DoNotWrapExceptions, null, null, null);
        return this;
    }

    private void AddTyped<THandler, TIn, TOut>() where THandler : class, ITaskHandler<TIn, TOut>
    {
        var type = THandler.TaskType?.Name
            ?? throw new InvalidOperationException($"{typeof(THandler).Name}.TaskType is null; return the shared descriptor, e.g. Tasks.Resize");
        var adapter = typeof(TypedHandler<THandler, TIn, TOut>);
        var existing = Services.Where(d => d.ServiceType == typeof(HandlerRegistration) && d.ImplementationInstance is HandlerRegistration r && r.Type == type)
            .Select(d => ((HandlerRegistration)d.ImplementationInstance!).HandlerType).ToArray();
        if (existing.Contains(adapter)) return; // registered already: once is enough
        if (existing.Length > 0)
            throw new InvalidOperationException($"task type '{type}' already has a handler ({existing[0]?.Name ?? "a delegate"}); {typeof(THandler).Name} cannot take it too");
        Services.TryAddScoped<THandler>();
        Services.AddKeyedScoped<ITaskHandler>(type, static (sp, _) => new TypedHandler<THandler, TIn, TOut>(sp.GetRequiredService<THandler>()));
        Services.AddSingleton(new HandlerRegistration(type, adapter));
    }

    /// <summary>Runs tasks of <paramref name="type"/> with a delegate.</summary>
    public SurgeWorkersBuilder AddHandler(string type, Func<TaskContext, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> handle)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(handle);
        Services.AddKeyedSingleton<ITaskHandler>(type, new DelegateHandler(handle));
        Services.AddSingleton(new HandlerRegistration(type, typeof(DelegateHandler)));
        return this;
    }

    /// <summary>
    /// Sets the retry and time-limit policy of <paramref name="type"/> in code; configuration
    /// (<c>Surge:Policies:Types:&lt;type&gt;</c>) is bound first, so code has the last word.
    /// </summary>
    public SurgeWorkersBuilder ConfigurePolicy(string type, Action<TaskPolicy> configure)
        => ConfigureEntry<TaskPoliciesOptions, TaskPolicy>(type, o => o.Types, configure);

    /// <summary>Makes <paramref name="type"/> a program task (see <see cref="ProgramOptions"/>), as configuration under <c>Surge:Programs</c> does.</summary>
    public SurgeWorkersBuilder AddProgram(string type, Action<ProgramOptions> configure)
        => ConfigureEntry<ProgramsOptions, ProgramOptions>(type, o => o.Types, configure);

    // Per-type entries set in code apply after configuration is bound, so code has the last word.
    private SurgeWorkersBuilder ConfigureEntry<TOptions, TEntry>(string type, Func<TOptions, Dictionary<string, TEntry>> entries, Action<TEntry> configure)
        where TOptions : class where TEntry : new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(configure);
        Services.PostConfigure<TOptions>(o =>
        {
            var all = entries(o);
            if (!all.TryGetValue(type, out var entry)) all[type] = entry = new TEntry();
            configure(entry);
        });
        return this;
    }

    private sealed class DelegateHandler(Func<TaskContext, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> handle) : ITaskHandler
    {
        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken) => handle(context, cancellationToken);
    }
}
