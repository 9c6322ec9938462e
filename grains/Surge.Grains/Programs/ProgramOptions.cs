namespace Surge.Programs;

/// <summary>
/// Program tasks (<c>Surge:Programs:&lt;type&gt;</c>): each entry makes <c>&lt;type&gt;</c> a task type that runs one
/// allow-listed program. Clients choose the type and the payload, never the program or its fixed arguments.
/// </summary>
public sealed class ProgramsOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Programs";

    /// <summary>Per task type, the program it runs.</summary>
    public Dictionary<string, ProgramOptions> Types { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>How the payload reaches the program.</summary>
public enum PayloadDelivery
{
    /// <summary>The payload bytes are written to the program's standard input.</summary>
    Stdin,
    /// <summary>The payload is <c>{"args": ["…"]}</c>; each string is appended after the fixed arguments.</summary>
    Arguments,
}

/// <summary>One program task type.</summary>
public sealed class ProgramOptions
{
    /// <summary>Absolute path of the program. Required; it must exist when the silo starts.</summary>
    public string Executable { get; set; } = "";

    /// <summary>Fixed arguments, always first. Default none.</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>Working directory; must exist. Default: the silo's.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Extra environment variables (the silo's own are inherited). Default none.</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Stdin (default) or Arguments.</summary>
    public PayloadDelivery PayloadAs { get; set; } = PayloadDelivery.Stdin;

    /// <summary>
    /// Arguments mode: each argument from the payload must match this regular expression. Default: letters, digits and
    /// <c>. _ : / = @ + , -</c>, not starting with '-' (no options smuggled in).
    /// </summary>
    public string ArgumentPattern { get; set; } = "^[A-Za-z0-9._:/=@+,][A-Za-z0-9._:/=@+,-]*$";

    /// <summary>Arguments mode: most arguments a payload may add. Default 32; 0 to 1,000.</summary>
    public int MaxArguments { get; set; } = 32;

    /// <summary>Bytes of stdout and of stderr kept in the result; the rest is counted, not kept. Default 64 KiB; 0 to 16 MiB.</summary>
    public int MaxOutputBytes { get; set; } = 64 * 1024;
}
