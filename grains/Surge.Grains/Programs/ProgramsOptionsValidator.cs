using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Surge.Programs;

internal sealed class ProgramsOptionsValidator : IValidateOptions<ProgramsOptions>
{
    public ValidateOptionsResult Validate(string? name, ProgramsOptions options)
    {
        var failures = new List<string>();
        foreach (var (type, p) in options.Types)
        {
            var at = $"{ProgramsOptions.Section}:{type}";
            if (!Path.IsPathFullyQualified(p.Executable)) failures.Add($"{at}:Executable is '{p.Executable}'; give the program's absolute path, e.g. /usr/local/bin/convert.");
            else if (!File.Exists(p.Executable)) failures.Add($"{at}:Executable '{p.Executable}' does not exist on this silo; install it or fix the path.");
            if (p.WorkingDirectory is { } dir && !Directory.Exists(dir)) failures.Add($"{at}:WorkingDirectory '{dir}' does not exist; create it or leave it unset.");
            if (!Enum.IsDefined(p.PayloadAs)) failures.Add($"{at}:PayloadAs is {p.PayloadAs}; set Stdin or Arguments.");
            if (p.MaxArguments is < 0 or > 1_000) failures.Add($"{at}:MaxArguments is {p.MaxArguments}; set 0 to 1000.");
            if (p.MaxOutputBytes is < 0 or > 16 * 1024 * 1024) failures.Add($"{at}:MaxOutputBytes is {p.MaxOutputBytes}; set 0 to 16777216.");
            try
            {
                _ = new Regex(p.ArgumentPattern);
            }
            catch (ArgumentException e)
            {
                failures.Add($"{at}:ArgumentPattern is not a regular expression ({e.Message}).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
