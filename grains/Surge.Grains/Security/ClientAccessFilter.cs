using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Surge.Telemetry;

namespace Surge.Security;

/// <summary>
/// Every call that reaches a grain on this silo from a client passes here: what is not on the public list
/// (<see cref="AccessRules"/>) is refused whatever the client's role, even with security off, since no client has any
/// business there; what is on it needs the caller's role. Calls from grains and from a silo's own client pass untouched.
/// </summary>
/// <remarks>
/// "From a client" is the call's source id, which the sender's Orleans runtime writes: a client built on Orleans' own
/// client cannot change it, but one that rewrites Orleans' messages could pose as a grain. Mutual TLS is what keeps such
/// clients out: only holders of a trusted certificate reach a gateway at all. The same id says which client it is: the
/// one whose session (<see cref="ClientSessions"/>) proved its name, so calls carry no credentials.
/// </remarks>
internal sealed partial class ClientAccessFilter(ClientIdentities identities, ClientSessions sessions, ILogger<ClientAccessFilter> logger) : IIncomingGrainCallFilter
{
    // Per generated request type (one per interface method): the method's rule, found once.
    private readonly ConcurrentDictionary<Type, AccessRule> _rules = new();

    public Task Invoke(IIncomingGrainCallContext context)
        => context.SourceId is { } source && FromClient(source) ? InvokeFromClientAsync(context, source) : context.Invoke();

    // A silo's own client (the HTTP API's, a start-up task's) has an id of its own kind: "hosted-" and the silo's address.
    // Its key's bytes are compared as they are: every client call passes here, and decoding the key made a string each time.
    internal static bool FromClient(GrainId source) => source.IsClient() && !source.Key.AsSpan().StartsWith("hosted-"u8);

    private async Task InvokeFromClientAsync(IIncomingGrainCallContext context, GrainId source)
    {
        var rule = _rules.GetOrAdd(context.Request.GetType(), static (_, c) => AccessRules.For(c.InterfaceMethod), context);
        if (rule.Internal) throw Deny(rule, await sessions.CallerAsync(source), $"{rule.Call} is internal to the silos; no client may call it");
        if (rule.AnyClient)
        {
            StampClient(context, source);
            await context.Invoke();
            return;
        }
        var caller = await sessions.CallerAsync(source);
        if (caller.Role is not { } role || role < rule.Needed)
            throw Deny(rule, caller, $"{rule.Call} needs the {rule.Needed} role; {Who(caller)} has {(caller.Role is { } r ? $"the {r} role" : $"none ({caller.Reason})")}");
        var scoped = rule.OwnTasks && identities.Enabled; // while security is off every client is admin and reads every task
        if (rule.OwnTasks) StampSubmitter(context, caller.Name);
        // A wait on another's task is refused before it begins, not when it ends: the caller must not learn when it did.
        if (scoped && role < TaskReaders.AnyTask && WaitedOn(context) is { } waited && context.TargetContext.GrainInstance is ITaskShardGrain shard
            && await shard.GetStatusAsync(waited) is { } before && !TaskReaders.MayRead(role, caller.Name, before))
            throw Deny(rule with { Needed = TaskReaders.AnyTask }, caller, TaskReaders.Refusal(before));
        await context.Invoke();
        if (scoped && context.Result is TaskStatus status && !TaskReaders.MayRead(role, caller.Name, status))
            throw Deny(rule with { Needed = TaskReaders.AnyTask }, caller, TaskReaders.Refusal(status));
    }

    // The task a call waits on, if it waits: a wait on an id, or a submission that waits (on the task already there).
    private static string? WaitedOn(IIncomingGrainCallContext context) => context.InterfaceMethod?.Name switch
    {
        nameof(ITaskShardGrain.WaitAsync) => context.Request.GetArgument(0) as string,
        nameof(ITaskShardGrain.SubmitAndWaitAsync) => (context.Request.GetArgument(0) as TaskSpec)?.Id,
        _ => null,
    };

    // Whose session is opened is the silos' to say: the caller's own, whatever the client wrote.
    private static void StampClient(IIncomingGrainCallContext context, GrainId source)
    {
        if (context.Request.GetArgumentCount() > 0 && context.Request.GetArgument(0) is SessionCredentials credentials && credentials.Client != source)
            context.Request.SetArgument(0, credentials with { Client = source });
    }

    // Who submitted a task is the silos' to say: whatever the client wrote is replaced.
    private static void StampSubmitter(IIncomingGrainCallContext context, string? name)
    {
        if (context.Request.GetArgumentCount() > 0 && context.Request.GetArgument(0) is TaskSpec spec && spec.Submitter != name)
            context.Request.SetArgument(0, spec with { Submitter = name });
    }

    private SurgeAccessDeniedException Deny(AccessRule rule, Caller caller, string message)
    {
        SurgeMeter.AccessDenied.Add(1, new("interface", rule.Call[..rule.Call.IndexOf('.')]), new("role", rule.Needed?.ToString() ?? "none"));
        LogDenied(logger, rule.Call, Who(caller), rule.Needed?.ToString() ?? "none");
        return new SurgeAccessDeniedException(rule.Call, rule.Needed, message);
    }

    private static string Who(Caller caller) => caller.Name is { } name ? $"client '{name}'" : "this client";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Call} from {Caller}: needs role {Needed}")]
    private static partial void LogDenied(ILogger logger, string call, string caller, string needed);
}
