using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Surge.Pools;
using Surge.Programs;
using Surge.Workers;

namespace Surge.Hosting;

/// <summary>Registers program tasks on a silo; <see cref="SurgeWorkersExtensions.AddSurgeWorkers(ISiloBuilder, Action{SurgeWorkersBuilder})"/> calls it.</summary>
public static class SurgeProgramsExtensions
{
    /// <summary>
    /// Program tasks: <c>Surge:Programs</c> entries (and <see cref="SurgeWorkersBuilder.AddProgram"/>), each a task
    /// type that runs one allow-listed program under its type's policy; the handler registry takes them as a handler
    /// source. Safe to call again: a second call adds nothing.
    /// </summary>
    public static IServiceCollection AddSurgePrograms(this IServiceCollection services)
    {
        if (!Registration.First<ProgramsRegistered>(services)) return services;
        Registration.AddEntryOptions<ProgramsOptions, ProgramOptions>(services, ProgramsOptions.Section, o => o.Types);
        services.TryAddSingleton(_ => ProgramHost.Detect()); // setsid, setpriv, capabilities: what containing a program needs
        Registration.AddValidator<ProgramsOptions, ProgramsOptionsValidator>(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSurgePolicies();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHandlerSource, ProgramHandlers>());
        // A stopping silo ends the programs its drain gave up on: their process groups would outlive it.
        services.TryAddSingleton<ProgramRuns>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutlivingRuns, ProgramRuns>(sp => sp.GetRequiredService<ProgramRuns>()));
        return services;
    }

    /// <inheritdoc cref="AddSurgePrograms(IServiceCollection)"/>
    public static ISiloBuilder AddSurgePrograms(this ISiloBuilder builder)
    {
        builder.Services.AddSurgePrograms();
        return builder;
    }

    private sealed class ProgramsRegistered;
}
