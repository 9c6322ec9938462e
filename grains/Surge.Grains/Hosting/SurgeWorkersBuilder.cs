using Microsoft.Extensions.DependencyInjection;
using Surge.Policies;
using Surge.Programs;
using Surge.Workers;

namespace Surge.Hosting;

/// <summary>Registers task handlers: <c>AddSurgeWorkers(w =&gt; w.AddHandler&lt;ResizeImage&gt;("resize"))</c>.</summary>
public sealed class SurgeWorkersBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Runs tasks of <paramref name="type"/> with a singleton <typeparamref name="THandler"/>.</summary>
    public SurgeWorkersBuilder AddHandler<THandler>(string type) where THandler : class, ITaskHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        Services.AddKeyedSingleton<ITaskHandler, THandler>(type);
        Services.AddSingleton(new HandlerRegistration(type));
        return this;
    }

    /// <summary>Runs tasks of <paramref name="type"/> with a delegate.</summary>
    public SurgeWorkersBuilder AddHandler(string type, Func<TaskContext, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> handle)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(handle);
        Services.AddKeyedSingleton<ITaskHandler>(type, new DelegateHandler(handle));
        Services.AddSingleton(new HandlerRegistration(type));
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
