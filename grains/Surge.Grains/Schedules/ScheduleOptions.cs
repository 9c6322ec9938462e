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
}

internal sealed class SchedulesOptionsValidator : IValidateOptions<SchedulesOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulesOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, schedule) in options.Entries)
        {
            var at = $"{SchedulesOptions.Section}:{key}";
            try
            {
                CronSchedule.Parse(schedule.Cron);
            }
            catch (SurgeValidationException e)
            {
                failures.Add($"{at}:Cron {e.Message}");
            }
            if (string.IsNullOrWhiteSpace(schedule.Type)) failures.Add($"{at}:Type is empty; name a task type registered on the silos.");
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
