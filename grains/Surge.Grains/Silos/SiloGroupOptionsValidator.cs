using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Surge.Silos;

internal sealed partial class SiloGroupOptionsValidator : IValidateOptions<SiloGroupOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloGroupOptions options)
    {
        var failures = new List<string>();
        if (options.Group is null || !GroupName().IsMatch(options.Group))
            failures.Add($"{SiloGroupOptions.Section}:Group is '{options.Group}'; set lowercase letters, digits and '-', starting with a letter, at most 40 characters (default '{SiloGroupOptions.DefaultGroup}').");
        foreach (var pool in options.Pools.Where(p => !Enum.IsDefined(p)).Distinct())
            failures.Add($"{SiloGroupOptions.Section}:Pools has {pool}; set short, long or single (or leave it empty for every pool).");
        if (options.ReclaimNotice < TimeSpan.FromSeconds(1) || options.ReclaimNotice > TimeSpan.FromMinutes(10))
            failures.Add($"{SiloGroupOptions.Section}:ReclaimNotice is {options.ReclaimNotice}; set 00:00:01 to 00:10:00 (default 00:01:50).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // A group names a StatefulSet (a DNS label) and a metric label value.
    [GeneratedRegex(@"\A[a-z]([a-z0-9-]{0,38}[a-z0-9])?\z")]
    private static partial Regex GroupName();
}
