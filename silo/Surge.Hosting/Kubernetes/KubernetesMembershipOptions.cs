using Microsoft.Extensions.Options;

namespace Surge.Hosting.Kubernetes;

/// <summary>
/// Kubernetes-aware membership in cluster mode (<c>Surge:Kubernetes:Membership</c>): Orleans' Kubernetes hosting
/// watches the silos' pods and declares a silo dead the moment its pod is deleted, instead of after missed probes.
/// Redis stays the membership table; the probes stay on for deaths Kubernetes does not report (a hung process, a cut
/// network). Used only in a pod (the in-cluster config) or where <c>KUBECONFIG</c> names an API server.
/// </summary>
public sealed class KubernetesMembershipOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Kubernetes:Membership";

    /// <summary>Default of <see cref="MaxAgents"/>.</summary>
    public const int DefaultMaxAgents = 2;

    /// <summary>Watch the pods. Default false (the Helm chart turns it on).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// How many silos (the oldest active ones) watch the pods: each holds one watch on the API server. Default 2 (one
    /// watcher may be the silo that died); 1 to 10.
    /// </summary>
    public int MaxAgents { get; set; } = DefaultMaxAgents;
}

internal sealed class KubernetesMembershipOptionsValidator : IValidateOptions<KubernetesMembershipOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesMembershipOptions o)
        => o.MaxAgents is < 1 or > 10
            ? ValidateOptionsResult.Fail($"{KubernetesMembershipOptions.Section}:MaxAgents is {o.MaxAgents}; set 1 to 10 (default 2): each watcher holds a watch on the API server.")
            : ValidateOptionsResult.Success;
}
