using Microsoft.Extensions.DependencyInjection;
using Surge.Programs;

namespace Surge.Hosting;

public static class SurgeProgramsExtensions
{
    /// <summary>
    /// Program tasks: <c>Surge:Programs</c> entries (and <see cref="SurgeWorkersBuilder.AddProgram"/>), each a task
    /// type that runs one allow-listed program; the handler registry turns each entry into a handler. Safe to call
    /// again: a second call adds nothing.
    /// </summary>
    public static IServiceCollection AddSurgePrograms(this IServiceCollection services)
    {
        if (!Registration.First<ProgramsRegistered>(services)) return services;
        Registration.AddEntryOptions<ProgramsOptions, ProgramOptions>(services, ProgramsOptions.Section, o => o.Types);
        Registration.AddValidator<ProgramsOptions, ProgramsOptionsValidator>(services);
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
