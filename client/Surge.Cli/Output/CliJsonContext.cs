using System.Text.Json;
using System.Text.Json.Serialization;

namespace Surge.Cli.Output;

/// <summary>
/// Every document <c>--output json</c> prints: camelCase, enums by name, indented (one document, for people and jq
/// alike). Source-generated, so the shapes are fixed at build time.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(TaskView))]
[JsonSerializable(typeof(TaskView[]))]
[JsonSerializable(typeof(PoolStats[]))]
[JsonSerializable(typeof(ScheduleView))]
[JsonSerializable(typeof(ScheduleView[]))]
[JsonSerializable(typeof(AutoscaleDecision[]))]
[JsonSerializable(typeof(MemoryRecommendation[]))]
[JsonSerializable(typeof(PurgeView))]
[JsonSerializable(typeof(PredictionView))]
[JsonSerializable(typeof(TrainingView))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Surge.Flows.WaveStatus))]
[JsonSerializable(typeof(Surge.Flows.WaveComparison))]
[JsonSerializable(typeof(FlowView))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
