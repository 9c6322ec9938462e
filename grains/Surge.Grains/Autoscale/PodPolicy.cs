using System.Globalization;

namespace Surge.Autoscale;

/// <summary>
/// Decides the number of silo pods from the cluster's totals. Pure: time from a <see cref="TimeProvider"/>.
///
/// Up, by forecast rather than by waiting: the queued predicted work is known, so the policy projects how much of it
/// will still be queued when pods asked for now could take work (<see cref="AutoscaleOptions.PodStartDelay"/>), if the
/// backlog goes on growing or shrinking at its present rate for as long as it has lasted so far and the reachable
/// in-silo capacity then works it off. If the reachable capacity would need more than
/// <see cref="AutoscaleOptions.ForecastMargin"/> beyond that to finish it, it asks at once for the pods that finish it
/// within the margin. Pods asked for count as coming capacity until they report, and no further scale-up follows within
/// <see cref="AutoscaleOptions.Cooldown"/> or while the forecast with the coming pods is met: one step per burst.
/// A backstop keeps the old rule for forecasts that were wrong: a backlog that persists for
/// <see cref="AutoscaleOptions.SustainedBacklog"/> with concurrency at its ceiling, and that the capacity reporting now
/// would not work off before a new pod could start, asks for at least one more pod.
///
/// Down only with no backlog (a queue the reachable in-silo slots work off within one interval counts as none): the
/// highest recommendation of <see cref="AutoscaleOptions.ScaleDownStabilization"/>, at most once per window, never
/// below the minimum. <see cref="AutoscaleOptions.Cooldown"/> follows every change.
/// </summary>
internal sealed class PodPolicy(AutoscaleOptions options, TimeProvider time)
{
    private readonly Queue<(DateTimeOffset At, int Replicas)> _recommendations = new();
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private DateTimeOffset? _backlogSince;
    private DateTimeOffset? _saturatedSince;
    private DateTimeOffset? _belowMinSince;
    private DateTimeOffset? _lastReplicaChange;
    private DateTimeOffset? _lastScaleDown;
    private DateTimeOffset? _lastScaleUp;
    private (DateTimeOffset At, int To)? _pending;

    /// <summary>The projection behind the last decision, for explanations and tests.</summary>
    public PodForecast LastForecast { get; private set; }

    public AutoscaleDecision? Decide(PodLoad load)
    {
        var now = time.GetUtcNow();
        _backlogSince = load.Backlog > 0 ? _backlogSince ?? now : null;
        _saturatedSince = load.Backlog > 0 && load.Saturated ? _saturatedSince ?? now : null;
        _belowMinSince = load.Replicas < options.MinReplicas ? _belowMinSince ?? now : null;
        // Pods asked for take PodStartDelay to report; until then they are capacity on its way, not missing capacity.
        if (_pending is { } p && (now - p.At >= options.PodStartDelay || load.Silos >= p.To)) _pending = null;
        var replicas = load.Replicas;
        var planned = Math.Max(replicas, _pending?.To ?? 0);
        var forecast = LastForecast = Forecast(load, planned, now);

        // A few tasks queued for a moment while in-silo concurrency sits just above demand are the in-silo step's to
        // absorb, not a reason to keep pods: a queue the reachable slots work off within an interval counts as none.
        // Counted as backlog, such blips (every few seconds under steady arrivals) kept a burst's pods for good.
        var blip = load.Silos > 0 && load.Reachable > 0 && !forecast.Sustained && forecast.DrainNow <= options.Interval.TotalSeconds;
        var queued = load.Backlog > 0 && !blip;
        var proportional = load.Ceiling > 0 ? (int)Math.Ceiling(replicas * load.Demand / load.Ceiling) : replicas;
        var recommended = forecast.Sustained ? Math.Max(forecast.Wanted, replicas)
            : !queued ? Math.Clamp(proportional, options.MinReplicas, Math.Max(replicas, options.MinReplicas)) : replicas;
        recommended = Math.Clamp(recommended, options.MinReplicas, options.MaxReplicas);
        _recommendations.Enqueue((now, recommended));
        while (_recommendations.Peek().At < now - options.ScaleDownStabilization) _recommendations.Dequeue();

        if (_lastReplicaChange is { } last && now - last < options.Cooldown) return null;
        // Fewer pods than the minimum for a whole pod start (a StatefulSet installed without replicas starts at one;
        // a restarting pod is back well within it): ask for the minimum.
        if (_belowMinSince is { } below && now - below >= options.PodStartDelay && _pending is null)
        {
            _belowMinSince = null;
            return Up(now, replicas, options.MinReplicas, F($"{replicas} pods, below the minimum of {options.MinReplicas} for {(now - below).TotalSeconds:0}s"),
                F($"replicas {replicas} ({load.Silos} reporting)"));
        }
        var mayRise = _lastScaleUp is not { } up || now - up >= options.ScaleUpStabilization;
        var inputs = F($"replicas {replicas} ({load.Silos} reporting, {planned} asked for), backlog {load.Backlog} = {load.QueuedWork:0} slot-s, arriving {load.Arriving:0.0} slots, reachable {load.Reachable:0} slots, {forecast}");
        if (mayRise && forecast.Sustained && forecast.Wanted > planned)
            return Up(now, replicas, forecast.Wanted, F($"forecast: {forecast.QueuedAtReady:0} slot-s still queued when new pods could start in {options.PodStartDelay.TotalSeconds:0}s, {forecast.DrainAfterReady:0}s of reachable capacity"), inputs);
        if (mayRise && _saturatedSince is { } since && now - since >= options.SustainedBacklog && _pending is null
            && forecast.DrainNow > options.PodStartDelay.TotalSeconds)
        {
            // The forecast missed (predictions too low, or capacity lost): fall back on the evidence, at least one more pod.
            var target = Math.Clamp(Math.Max(forecast.Wanted, replicas + 1), options.MinReplicas, options.MaxReplicas);
            if (target > replicas)
                return Up(now, replicas, target, F($"backlog for {(now - since).TotalSeconds:0}s with concurrency at its ceiling"), inputs);
        }
        if (!queued && replicas > options.MinReplicas && _pending is null && now - _startedAt >= options.ScaleDownStabilization
            && (_lastScaleDown is not { } down || now - down >= options.ScaleDownStabilization))
        {
            var target = Math.Max(options.MinReplicas, _recommendations.Max(r => r.Replicas));
            if (target >= replicas) return null;
            _lastReplicaChange = _lastScaleDown = now;
            return AutoscaleDecision.Replicas(now, replicas, target,
                F($"no lasting backlog, demand fits {target} pods over the last {options.ScaleDownStabilization.TotalSeconds:0}s"), inputs);
        }
        return null;
    }

    private AutoscaleDecision Up(DateTimeOffset now, int replicas, int target, string reason, string inputs)
    {
        _lastReplicaChange = _lastScaleUp = now;
        _pending = (now, target);
        _recommendations.Enqueue((now, target)); // no scale-down below it within the window
        _saturatedSince = now; // the backstop waits a whole window again
        return AutoscaleDecision.Replicas(now, replicas, target, reason, inputs);
    }

    private PodForecast Forecast(PodLoad load, int planned, DateTimeOffset now)
    {
        if (load.Backlog == 0 || load.Silos == 0 || load.Reachable <= 0) return new PodForecast(false, planned, 0, 0, 0);
        var delay = options.PodStartDelay.TotalSeconds;
        var margin = Math.Max(options.Interval.TotalSeconds, options.ForecastMargin.TotalSeconds);
        var perPod = load.Reachable / load.Silos;
        // Expect the backlog to go on as long again as it has lasted (at least one interval), within the start delay;
        // after that, the arrivals are taken to stop outrunning the reachable capacity, which works the queue off.
        var age = (now - _backlogSince!.Value).TotalSeconds + options.Interval.TotalSeconds;
        var horizon = Math.Min(age, delay);
        var net = load.Arriving - load.Reachable;
        var drainNow = net < 0 ? load.QueuedWork / -net : double.PositiveInfinity;
        var queuedAtReady = Math.Max(0, load.QueuedWork + net * horizon - load.Reachable * (delay - horizon));
        var capacityAtReady = load.Reachable + (planned - load.Silos) * perPod;
        var drainAfterReady = queuedAtReady / Math.Max(capacityAtReady, 1e-9);
        var sustained = drainAfterReady > margin;
        var wanted = sustained ? (int)Math.Ceiling(queuedAtReady / margin / perPod - 1e-9) : planned;
        return new PodForecast(sustained, Math.Clamp(wanted, options.MinReplicas, options.MaxReplicas), queuedAtReady, drainAfterReady, drainNow);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// What <see cref="PodPolicy"/> projected: work (slot-seconds) still queued when pods asked for now could start, how long
/// the capacity then reachable takes on it, whether that exceeds the margin, the pods that would bring it within, and
/// how long the backlog takes at the present rates with the capacity reporting now (infinite while it grows).
/// </summary>
internal readonly record struct PodForecast(bool Sustained, int Wanted, double QueuedAtReady, double DrainAfterReady, double DrainNow)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"forecast {QueuedAtReady:0} slot-s queued at pod start, {DrainAfterReady:0.0}s to drain, wants {Wanted} pods");
}
