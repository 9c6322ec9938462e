using Microsoft.Extensions.Options;

namespace Surge.Autoscale;

internal sealed class AutoscaleOptionsValidator : IValidateOptions<AutoscaleOptions>
{
    public ValidateOptionsResult Validate(string? name, AutoscaleOptions o)
    {
        var f = new List<string>();
        const string S = AutoscaleOptions.Section;
        Range(f, $"{S}:Interval", o.Interval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), "00:00:01");
        Range(f, $"{S}:DrainTime", o.DrainTime, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), "00:00:05");
        Range(f, $"{S}:ScaleInDelay", o.ScaleInDelay, TimeSpan.Zero, TimeSpan.FromHours(1), "00:00:10");
        Range(f, $"{S}:PodStartDelay", o.PodStartDelay, TimeSpan.Zero, TimeSpan.FromMinutes(30), "00:00:45");
        Range(f, $"{S}:ForecastMargin", o.ForecastMargin, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), "00:00:15");
        Range(f, $"{S}:SustainedBacklog", o.SustainedBacklog, TimeSpan.Zero, TimeSpan.FromHours(1), "00:01:00");
        Range(f, $"{S}:ScaleUpStabilization", o.ScaleUpStabilization, TimeSpan.Zero, TimeSpan.FromHours(1), "00:01:00");
        Range(f, $"{S}:ScaleDownStabilization", o.ScaleDownStabilization, TimeSpan.Zero, TimeSpan.FromDays(1), "00:05:00");
        Range(f, $"{S}:Cooldown", o.Cooldown, TimeSpan.Zero, TimeSpan.FromHours(1), "00:01:00");
        Range(f, $"{S}:Kubernetes:RequestTimeout", o.Kubernetes.RequestTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), "00:00:05");
        if (!(o.TargetUtilization >= 0.1 && o.TargetUtilization <= 1)) f.Add($"{S}:TargetUtilization is {o.TargetUtilization}; set 0.1 to 1 (default 0.8).");
        if (!(o.ScaleInStep > 0 && o.ScaleInStep <= 1)) f.Add($"{S}:ScaleInStep is {o.ScaleInStep}; set above 0, at most 1 (default 0.25).");
        if (!(o.CpuCeiling >= 0.1 && o.CpuCeiling <= 1)) f.Add($"{S}:CpuCeiling is {o.CpuCeiling}; set 0.1 to 1 (default 0.85).");
        if (o.MinReplicas < 1 || o.MinReplicas > o.MaxReplicas || o.MaxReplicas > 1000)
            f.Add($"{S}: MinReplicas ({o.MinReplicas}) and MaxReplicas ({o.MaxReplicas}) must satisfy 1 <= MinReplicas <= MaxReplicas <= 1000.");
        if (!Enum.IsDefined(o.Pods)) f.Add($"{S}:Pods is {o.Pods}; set Surge, External or Off (default Surge).");
        foreach (var (group, bounds) in o.Groups)
        {
            var (min, max) = (bounds.MinReplicas ?? o.MinReplicas, bounds.MaxReplicas ?? o.MaxReplicas);
            if (min < 1 || min > max || max > 1000)
                f.Add($"{S}:Groups:{group}: MinReplicas ({min}) and MaxReplicas ({max}) must satisfy 1 <= MinReplicas <= MaxReplicas <= 1000.");
        }
        return f.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(f);
    }

    private static void Range(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max, string fallback)
    {
        if (value < min || value > max) failures.Add($"{key} is {value}; set {min} to {max} (default {fallback}).");
    }
}
