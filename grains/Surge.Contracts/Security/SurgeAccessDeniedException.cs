namespace Surge;

/// <summary>
/// A silo refused a client's call: the caller's role is below <see cref="Needed"/>, or (when <see cref="Needed"/> is
/// null) what it called is internal to the silos and no client may call it. Not retryable with the same credentials.
/// </summary>
[GenerateSerializer]
public sealed class SurgeAccessDeniedException : Exception
{
    /// <summary>A refusal of <paramref name="call"/>, which needs <paramref name="needed"/> (null: no client may make it).</summary>
    public SurgeAccessDeniedException(string call, SurgeRole? needed, string message) : base(message) => (Call, Needed) = (call, needed);

    /// <summary>Interface and method, as <c>ITaskShardGrain.CancelAsync</c>.</summary>
    [Id(0)] public string Call { get; private set; }

    /// <summary>The role the call needs; null when no client may make it.</summary>
    [Id(1)] public SurgeRole? Needed { get; private set; }
}
