using System.Collections.Frozen;
using System.Reflection;
using Orleans.Runtime;
using Surge.Flows;
using Surge.Prediction;

namespace Surge.Security;

/// <summary>What a client call needs: a role, nothing more (<see cref="AnyClient"/>), or it is internal (neither).</summary>
/// <param name="Call">Interface and method, as <c>ITaskShardGrain.CancelAsync</c>.</param>
/// <param name="Needed">The role the call needs; null when none does.</param>
/// <param name="AnyClient">Open to every connected client, whatever its role (Orleans' own client needs it).</param>
/// <param name="OwnTasks">A task read or submission: a submit-role caller sees only the tasks it submitted.</param>
internal readonly record struct AccessRule(string Call, SurgeRole? Needed, bool AnyClient = false, bool OwnTasks = false)
{
    public bool Internal => Needed is null && !AnyClient;
}

/// <summary>
/// The public list: every interface method a client may call, and the role it needs. Anything else (Surge's internal
/// grains, Orleans' own system targets and grain extensions) is internal, and no client may call it.
/// </summary>
internal static class AccessRules
{
    // Orleans' own client asks its gateway for the cluster's manifest (which grain types exist) before any call.
    private const string ManifestTarget = "Orleans.Runtime.IClusterManifestSystemTarget";

    // Orleans' test host asks its silos for their statuses: a system target that only the test host registers.
    private const string TestHooks = "Orleans.Runtime.TestHooks.ITestHooks";

    private static readonly FrozenDictionary<(Type, string), SurgeRole> Methods = new Dictionary<(Type, string), SurgeRole>
    {
        [(typeof(ITaskShardGrain), nameof(ITaskShardGrain.SubmitAsync))] = SurgeRole.Submit,
        [(typeof(ITaskShardGrain), nameof(ITaskShardGrain.SubmitAndWaitAsync))] = SurgeRole.Submit,
        [(typeof(ITaskShardGrain), nameof(ITaskShardGrain.GetStatusAsync))] = SurgeRole.Submit,
        [(typeof(ITaskShardGrain), nameof(ITaskShardGrain.WaitAsync))] = SurgeRole.Submit,
        [(typeof(ITaskShardGrain), nameof(ITaskShardGrain.GetHeldAsync))] = SurgeRole.Operate,
        [(typeof(ITaskShardGrain), nameof(ITaskShardGrain.CancelAsync))] = SurgeRole.Operate,
        [(typeof(ITaskShardGrain), nameof(ITaskShardGrain.GetDeadLettersAsync))] = SurgeRole.Operate,
        [(typeof(ITaskShardGrain), nameof(ITaskShardGrain.RetryDeadLetterAsync))] = SurgeRole.Operate, // both overloads
        [(typeof(ITaskShardGrain), nameof(ITaskShardGrain.PurgeDeadLettersAsync))] = SurgeRole.Operate,
        // Which silos there are, their task types and pools: what a submitting service needs to see capacity.
        [(typeof(IWorkerSiloGrain), nameof(IWorkerSiloGrain.GetInfoAsync))] = SurgeRole.Submit,
        [(typeof(IWorkerSiloGrain), nameof(IWorkerSiloGrain.GetPoolsAsync))] = SurgeRole.Submit,
        [(typeof(IManagementGrain), nameof(IManagementGrain.GetHosts))] = SurgeRole.Submit,
        [(typeof(IWorkerSiloGrain), nameof(IWorkerSiloGrain.SetConcurrencyAsync))] = SurgeRole.Operate,
        // Held events and dead letters with their errors, as /api/status shows them.
        [(typeof(IWorkerSiloGrain), nameof(IWorkerSiloGrain.GetSummaryAsync))] = SurgeRole.Operate,
        [(typeof(IScheduleGrain), nameof(IScheduleGrain.SetAsync))] = SurgeRole.Operate,
        [(typeof(IScheduleGrain), nameof(IScheduleGrain.RemoveAsync))] = SurgeRole.Operate,
        [(typeof(IScheduleGrain), nameof(IScheduleGrain.GetAsync))] = SurgeRole.Operate,
        [(typeof(IScheduleGrain), nameof(IScheduleGrain.TriggerAsync))] = SurgeRole.Operate,
        [(typeof(IScheduleGrain), nameof(IScheduleGrain.SetPausedAsync))] = SurgeRole.Operate,
        [(typeof(IScheduleIndexGrain), nameof(IScheduleIndexGrain.GetNamesAsync))] = SurgeRole.Operate,
        [(typeof(IAutoscaleGrain), nameof(IAutoscaleGrain.GetHistoryAsync))] = SurgeRole.Operate,
        [(typeof(IAutoscaleGrain), nameof(IAutoscaleGrain.GetMemoryRecommendationsAsync))] = SurgeRole.Operate,
        [(typeof(IFlowGrain), nameof(IFlowGrain.RegisterAsync))] = SurgeRole.Operate,
        [(typeof(IFlowGrain), nameof(IFlowGrain.GetAsync))] = SurgeRole.Operate,
        [(typeof(IEntityStateGrain), nameof(IEntityStateGrain.AddAsync))] = SurgeRole.Operate,
        [(typeof(IEntityStateGrain), nameof(IEntityStateGrain.RemoveAsync))] = SurgeRole.Operate,
        [(typeof(IEntityStateGrain), nameof(IEntityStateGrain.ListAsync))] = SurgeRole.Operate,
        [(typeof(IEntityStateGrain), nameof(IEntityStateGrain.CountAsync))] = SurgeRole.Operate,
        [(typeof(IWaveGrain), nameof(IWaveGrain.StartAsync))] = SurgeRole.Operate,
        [(typeof(IWaveGrain), nameof(IWaveGrain.GetStatusAsync))] = SurgeRole.Operate,
        [(typeof(IWaveGrain), nameof(IWaveGrain.CompareAsync))] = SurgeRole.Operate,
        [(typeof(IWaveIndexGrain), nameof(IWaveIndexGrain.RecentAsync))] = SurgeRole.Operate,
        [(typeof(ITrainerGrain), nameof(ITrainerGrain.RetrainAsync))] = SurgeRole.Admin,
        [(typeof(ITrainerGrain), nameof(ITrainerGrain.GetChampionAsync))] = SurgeRole.Admin,
    }.ToFrozenDictionary();

    // Internal on purpose though declared public: only silos add to these indexes (a schedule, a wave).
    private static readonly FrozenSet<(Type, string)> SiloOnly = new HashSet<(Type, string)>
    {
        (typeof(IScheduleIndexGrain), nameof(IScheduleIndexGrain.AddAsync)),
        (typeof(IScheduleIndexGrain), nameof(IScheduleIndexGrain.RemoveAsync)),
        (typeof(IWaveIndexGrain), nameof(IWaveIndexGrain.AddAsync)),
    }.ToFrozenSet();

    // Open to every client, whatever its role: how a client says who it is.
    private static readonly FrozenSet<(Type, string)> Open = new HashSet<(Type, string)>
    {
        (typeof(ISurgeSessionGrain), nameof(ISurgeSessionGrain.OpenAsync)),
    }.ToFrozenSet();

    private static readonly FrozenSet<string> OwnTaskMethods = new[]
    {
        nameof(ITaskShardGrain.SubmitAsync), nameof(ITaskShardGrain.SubmitAndWaitAsync), nameof(ITaskShardGrain.GetStatusAsync), nameof(ITaskShardGrain.WaitAsync),
    }.ToFrozenSet();

    /// <summary>The methods on the list, for tests and docs.</summary>
    public static IEnumerable<((Type Interface, string Method) Call, SurgeRole Role)> Listed => Methods.Select(m => (m.Key, m.Value));

    /// <summary>Surge's methods open to every client, whatever its role.</summary>
    public static IEnumerable<(Type Interface, string Method)> OpenMethods => Open;

    /// <summary>Interface methods declared public that clients still may not call.</summary>
    public static IEnumerable<(Type Interface, string Method)> SiloOnlyMethods => SiloOnly;

    public static AccessRule For(MethodInfo method)
    {
        var type = method.DeclaringType!;
        var call = $"{type.Name}.{method.Name}";
        if (Methods.TryGetValue((type, method.Name), out var role))
            return new(call, role, OwnTasks: type == typeof(ITaskShardGrain) && OwnTaskMethods.Contains(method.Name));
        if (type == typeof(IManagementGrain)) return new(call, SurgeRole.Admin); // the rest of Orleans' management: admin
        if (Open.Contains((type, method.Name))) return new(call, null, AnyClient: true);
        if (type.FullName is ManifestTarget or TestHooks) return new(call, null, AnyClient: true);
        return new(call, null);
    }
}
