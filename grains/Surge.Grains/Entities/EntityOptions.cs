using Microsoft.Extensions.Options;

namespace Surge.Entities;

/// <summary>How entity events wait for their predecessors (<c>Surge:Entities</c>).</summary>
public sealed class EntityOptions
{
    public const string Section = "Surge:Entities";
    public static readonly TimeSpan DefaultHoldLimit = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long an event waits for its <c>after</c> event or its sequence predecessor before it fails with a reason
    /// naming what is missing. Default 5 min; 10 ms to 7 days.
    /// </summary>
    public TimeSpan HoldLimit { get; set; } = DefaultHoldLimit;
}

internal sealed class EntityOptionsValidator : IValidateOptions<EntityOptions>
{
    public ValidateOptionsResult Validate(string? name, EntityOptions options)
        => options.HoldLimit >= TimeSpan.FromMilliseconds(10) && options.HoldLimit <= TimeSpan.FromDays(7)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{EntityOptions.Section}:HoldLimit is {options.HoldLimit}; set 00:00:00.010 to 7.00:00:00 (default 00:05:00).");
}
