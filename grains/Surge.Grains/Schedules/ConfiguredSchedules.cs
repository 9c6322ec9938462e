using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Surge.Schedules;

/// <summary>Registers the configured schedules once this silo is active. A bad one is logged, never fatal.</summary>
internal sealed partial class ConfiguredSchedules(IOptions<SchedulesOptions> options, IGrainFactory grains, ILogger<ConfiguredSchedules> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(ConfiguredSchedules), ServiceLifecycleStage.Active, RegisterAsync, _ => Task.CompletedTask);

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, schedule) in options.Value.Entries)
        {
            try
            {
                await grains.GetGrain<IScheduleGrain>(name).SetAsync(schedule.ToSpec(name));
            }
            catch (Exception e)
            {
                LogRegisterFailed(name, e.Message);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Configured schedule {Name} was not registered: {Error}")]
    private partial void LogRegisterFailed(string name, string error);
}
