using System.Text.Json;
using System.Text.Json.Serialization;

namespace Surge.Programs;

/// <summary>What a program task records as its result (snake_case JSON).</summary>
internal sealed record ProgramResult(
    int ExitCode, string Stdout, string Stderr, long StdoutDroppedBytes, long StderrDroppedBytes, double WallMs, double PeakMemoryMb)
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never };
}

/// <summary>The program ran and exited non-zero: the task fails with its exit code and the end of its stderr.</summary>
public sealed class ProgramFailedException(string message) : Exception(message);

/// <summary>The program and its descendants held more than <see cref="ProgramOptions.MaxMemoryMb"/>: the group was killed.</summary>
public sealed class ProgramMemoryLimitException(string message) : Exception(message);
