namespace Surge.Telemetry;

/// <summary>
/// Live routing accuracy of this silo: of the last <see cref="RecentShare.Window"/> finished tasks routed to short or
/// long, how many were in the pool their actual duration belonged to.
/// </summary>
internal sealed class RoutingScore : RecentShare
{
    /// <summary>The fraction right over the window; null before the first routed task finished.</summary>
    public double? Accuracy => Share;
}
