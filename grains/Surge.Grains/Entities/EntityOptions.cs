using Microsoft.Extensions.Options;

namespace Surge.Entities;

/// <summary>How entity events wait for their predecessors (<c>Surge:Entities</c>).</summary>
public sealed class EntityOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Entities";

    /// <summary>Default of <see cref="HoldLimit"/>.</summary>
    public static readonly TimeSpan DefaultHoldLimit = TimeSpan.FromMinutes(5);

    /// <summary>Default of <see cref="MaxHeld"/>.</summary>
    public const int DefaultMaxHeld = 10_000;

    /// <summary>Default of <see cref="MaxHandled"/>.</summary>
    public const int DefaultMaxHandled = 1_000;

    /// <summary>
    /// How long an event waits for its <c>after</c> event or its sequence predecessor before it fails with a reason
    /// naming what is missing. Default 5 min; 10 ms to 7 days.
    /// </summary>
    public TimeSpan HoldLimit { get; set; } = DefaultHoldLimit;

    /// <summary>Events one entity may hold at once; a submission past it is refused. Default 10,000; 1 to 1,000,000.</summary>
    public int MaxHeld { get; set; } = DefaultMaxHeld;

    /// <summary>
    /// Handled event names one entity remembers for <c>after</c>: the newest, and any older one a held event waits for.
    /// Its book is stored on every event, so it must not grow with the entity's age. An <c>after</c> naming an event
    /// handled before these is held until the hold limit, then fails saying so. Default 1,000; 1 to 100,000.
    /// </summary>
    public int MaxHandled { get; set; } = DefaultMaxHandled;
}

internal sealed class EntityOptionsValidator : IValidateOptions<EntityOptions>
{
    public ValidateOptionsResult Validate(string? name, EntityOptions options)
    {
        var failures = new List<string>();
        if (options.HoldLimit < TimeSpan.FromMilliseconds(10) || options.HoldLimit > TimeSpan.FromDays(7))
            failures.Add($"{EntityOptions.Section}:HoldLimit is {options.HoldLimit}; set 00:00:00.010 to 7.00:00:00 (default 00:05:00).");
        if (options.MaxHeld is < 1 or > 1_000_000)
            failures.Add($"{EntityOptions.Section}:MaxHeld is {options.MaxHeld}; set 1 to 1000000 (default 10000).");
        if (options.MaxHandled is < 1 or > 100_000)
            failures.Add($"{EntityOptions.Section}:MaxHandled is {options.MaxHandled}; set 1 to 100000 (default 1000).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
