using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Surge.Schedules;

/// <summary>
/// Schedules kept in configuration (<c>Surge:Schedules:&lt;name&gt;</c>): each silo registers them when it starts,
/// which is idempotent, so every silo may carry the same list.
/// </summary>
public sealed class SchedulesOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Schedules";

    /// <summary>Per schedule name, its cron expression, task type and payload.</summary>
    public Dictionary<string, ScheduleOptions> Entries { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One configured schedule.</summary>
public sealed class ScheduleOptions
{
    /// <summary>Five fields, or six with seconds first; UTC. Required.</summary>
    public string Cron { get; set; } = "";

    /// <summary>Task type submitted at each instant. Required.</summary>
    public string Type { get; set; } = "";

    /// <summary>JSON payload of each task. Default <c>{}</c>.</summary>
    public string Payload { get; set; } = "{}";

    /// <summary>Instead of a task, a wave of <c>Flow</c> over <c>State</c> at each instant (<c>Hourly</c>: dated by hour).</summary>
    public WaveScheduleOptions? Wave { get; set; }

    internal ScheduleSpec ToSpec(string name) => Wave is { } wave
        ? ScheduleSpec.ForWave(name, Cron, wave.Flow, wave.State, wave.Hourly)
        : ScheduleSpec.Create(name, Cron, Type, Payload);
}

/// <summary>A configured schedule's wave: <c>Surge:Schedules:&lt;name&gt;:Wave</c>.</summary>
public sealed class WaveScheduleOptions
{
    /// <summary>The registered flow each instant runs.</summary>
    public string Flow { get; set; } = "";

    /// <summary>The state whose entities each wave runs for.</summary>
    public string State { get; set; } = "";

    /// <summary>The wave's date is the instant's hour (<c>yyyy-MM-ddTHH</c>) rather than its day.</summary>
    public bool Hourly { get; set; }
}

internal sealed class SchedulesOptionsValidator(TimeProvider? time = null) : IValidateOptions<SchedulesOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulesOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, schedule) in options.Entries)
        {
            var at = $"{SchedulesOptions.Section}:{key}";
            try
            {
                CronSchedule.ParseFiring(schedule.Cron, (time ?? TimeProvider.System).GetUtcNow());
            }
            catch (SurgeValidationException e)
            {
                failures.Add($"{at}:Cron {e.Message}");
            }
            if (schedule.Wave is { } wave)
            {
                if (!Flows.FlowValidator.IsName(wave.Flow)) failures.Add($"{at}:Wave:Flow is '{wave.Flow}'; name a registered flow.");
                if (!Flows.FlowValidator.IsName(wave.State)) failures.Add($"{at}:Wave:State is '{wave.State}'; name a state.");
                if (!string.IsNullOrEmpty(schedule.Type)) failures.Add($"{at}: set Type or Wave, not both.");
            }
            else if (string.IsNullOrWhiteSpace(schedule.Type)) failures.Add($"{at}:Type is empty; name a task type registered on the silos, or set Wave:Flow and Wave:State.");
            try
            {
                using var _ = JsonDocument.Parse(schedule.Payload);
            }
            catch (JsonException e)
            {
                failures.Add($"{at}:Payload is not JSON ({e.Message}); give a JSON document such as {{\"report\":\"daily\"}}.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
