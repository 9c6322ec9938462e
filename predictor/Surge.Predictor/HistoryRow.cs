namespace Surge.Prediction;

/// <summary>One finished execution: what a predictor learns from.</summary>
public sealed record HistoryRow(string Type, Feature[] Features, double DurationMs, double MemoryMb);
