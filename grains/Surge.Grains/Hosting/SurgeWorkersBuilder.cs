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
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(configure);
        Services.PostConfigure<TaskPoliciesOptions>(o =>
        {
            if (!o.Types.TryGetValue(type, out var policy)) o.Types[type] = policy = new TaskPolicy();
            configure(policy);
        });
        return this;
    }

    /// <summary>Makes <paramref name="type"/> a program task (see <see cref="ProgramOptions"/>), as configuration under <c>Surge:Programs</c> does.</summary>
    public SurgeWorkersBuilder AddProgram(string type, Action<ProgramOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure<ProgramsOptions>(o =>
        {
            if (!o.Types.TryGetValue(type, out var program)) o.Types[type] = program = new ProgramOptions();
            configure(program);
        });
        return this;
    }

    private sealed class DelegateHandler(Func<TaskContext, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> handle) : ITaskHandler
    {
        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken) => handle(context, cancellationToken);
    }
}
