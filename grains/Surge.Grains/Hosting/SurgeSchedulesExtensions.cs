using Microsoft.Extensions.DependencyInjection;
using Surge.Schedules;

namespace Surge.Hosting;

/// <summary>Registers configured schedules on a silo; <see cref="SurgeWorkersExtensions.AddSurgeWorkers(ISiloBuilder, Action{SurgeWorkersBuilder})"/> calls it.</summary>
public static class SurgeSchedulesExtensions
{
    /// <summary>
    /// Schedules: <c>Surge:Schedules</c> entries, registered with their schedule grains when the silo starts. The
    /// host provides the reminder service that wakes them. Safe to call again: a second call adds nothing.
    /// </summary>
    public static IServiceCollection AddSurgeSchedules(this IServiceCollection services)
    {
        if (!Registration.First<SchedulesRegistered>(services)) return services;
        Registration.AddEntryOptions<SchedulesOptions, ScheduleOptions>(services, SchedulesOptions.Section, o => o.Entries);
        Registration.AddValidator<SchedulesOptions, SchedulesOptionsValidator>(services);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ConfiguredSchedules>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ScheduleKeeper>();
        return services;
    }

    /// <inheritdoc cref="AddSurgeSchedules(IServiceCollection)"/>
    public static ISiloBuilder AddSurgeSchedules(this ISiloBuilder builder)
    {
        builder.Services.AddSurgeSchedules();
        return builder;
    }

    private sealed class SchedulesRegistered;
}
