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

    /// <summary>
    /// Variables the program gets, with these values. The program's environment starts empty: it has these,
    /// <see cref="InheritEnvironment"/>, <c>PATH</c> (the silo's), and its task's own <c>SURGE_TASK_ID</c> and
    /// <c>SURGE_ATTEMPT</c>; nothing else of the silo's (such as <c>SURGE_REDIS</c>). Default none.
    /// </summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Names of the silo's environment variables the program also gets, when the silo has them (e.g. <c>LANG</c>,
    /// <c>TZ</c>, <c>HOME</c>). Names starting with <c>SURGE_</c> are refused: those are the silo's settings. Default none.
    /// </summary>
    public List<string> InheritEnvironment { get; set; } = [];

    /// <summary>Stdin (default) or Arguments.</summary>
    public PayloadDelivery PayloadAs { get; set; } = PayloadDelivery.Stdin;

    /// <summary>The default <see cref="ArgumentPattern"/>.</summary>
    public const string DefaultArgumentPattern = @"^(?![-@])(?!.*\.\.)[A-Za-z0-9._=+,@-]+\z";

    /// <summary>
    /// Arguments mode: each argument from the payload must match this regular expression (and, whatever it says, hold
    /// no control character such as a newline). Default: letters, digits and <c>. _ = + , @ -</c>; no <c>/</c> (no
    /// path outside the working directory), no <c>..</c>, no <c>:</c> (no ImageMagick <c>msl:</c>-style coder or
    /// URL), not starting with <c>-</c> (no options smuggled in) or <c>@</c> (ImageMagick reads <c>@file</c> as a
    /// file of arguments); <c>\z</c>, not <c>$</c>, ends it, since <c>$</c> also matches before a final newline.
    /// </summary>
    public string ArgumentPattern { get; set; } = DefaultArgumentPattern;

    /// <summary>Arguments mode: most arguments a payload may add. Default 32; 0 to 1,000.</summary>
    public int MaxArguments { get; set; } = 32;

    /// <summary>Bytes of stdout and of stderr kept in the result; the rest is counted, not kept. Default 64 KiB; 0 to 16 MiB.</summary>
    public int MaxOutputBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Resident memory the program and its descendants may hold together, in MiB, sampled every 20 ms: past it, the
    /// whole group is killed and the task fails with "memory limit" (<see cref="ProgramMemoryLimitException"/>).
    /// Default none; 1 to 1,048,576.
    /// </summary>
    public int? MaxMemoryMb { get; set; }

    /// <summary>
    /// Runs the program as this user id (through <c>setpriv</c>, with no supplementary groups) instead of the silo's,
    /// so it cannot read what only the silo's user may, such as the service-account token. The silo must be able to
    /// switch users and signal them (root, or CAP_SETUID, CAP_SETGID and CAP_KILL). Default: the silo's user.
    /// </summary>
    public int? RunAsUser { get; set; }

    /// <summary>The group id with <see cref="RunAsUser"/>. Default: the same number as RunAsUser.</summary>
    public int? RunAsGroup { get; set; }

    /// <summary>
    /// Lets the silo start although this program could read the pod's service-account token (a readable token
    /// otherwise stops the silo at start-up). Default false.
    /// </summary>
    public bool AllowServiceAccountToken { get; set; }
}
