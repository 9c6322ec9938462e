using Microsoft.Extensions.DependencyInjection;
using Surge.Client;
using Surge.Prediction;

namespace Surge.Cluster.Tests.Security;

/// <summary>Roles on a cluster with security on: each refusal names the role that was needed.</summary>
[Collection("secure-cluster")]
public sealed class RoleTests(SecureClusterFixture fixture)
{
    private static TaskSpec Quick() => TaskSpec.Create("simulate", "{\"duration_ms\":1}");

    [Fact]
    public async Task Cancel_AsSubmitter_IsRefusedNamingOperate()
    {
        using var alice = await fixture.ConnectAsync(fixture.Certificates.Client("CN=alice"));
        var surge = alice.Services.GetRequiredService<ISurgeClient>();
        var task = await surge.SubmitAsync(Quick());

        var refused = await Assert.ThrowsAsync<SurgeAccessDeniedException>(() => surge.CancelAsync(task.Id));
        Assert.Equal(SurgeRole.Operate, refused.Needed);
        Assert.Contains("Operate", refused.Message);
    }

    [Fact]
    public async Task Cancel_WithSubmitApiKey_IsRefusedNamingOperate_WithOperateApiKey_Allowed()
    {
        using var ci = await fixture.ConnectAsync(fixture.Certificates.Client("CN=nobody"), SecureClusterFixture.SubmitKey);
        using var ops = await fixture.ConnectAsync(fixture.Certificates.Client("CN=nobody"), SecureClusterFixture.OperateKey);
        var task = await ci.Services.GetRequiredService<ISurgeClient>().RunAsync(Quick(), TimeSpan.FromSeconds(30));
        Assert.Equal("ci", task.Submitter);

        var refused = await Assert.ThrowsAsync<SurgeAccessDeniedException>(() => ci.Services.GetRequiredService<ISurgeClient>().GetDeadLettersAsync());
        Assert.Equal(SurgeRole.Operate, refused.Needed);
        Assert.Equal(TaskState.Succeeded, (await ops.Services.GetRequiredService<ISurgeClient>().CancelAsync(task.Id))!.State);
    }

    [Fact]
    public async Task Retrain_AsOperator_IsRefusedNamingAdmin()
    {
        using var olga = await fixture.ConnectAsync(fixture.Certificates.Client("CN=olga"));
        var refused = await Assert.ThrowsAsync<SurgeAccessDeniedException>(() => olga.Services.GetRequiredService<IClusterClient>().GetGrain<ITrainerGrain>(0).RetrainAsync());
        Assert.Equal(SurgeRole.Admin, refused.Needed);
    }

    [Fact]
    public async Task Schedule_AsSubmitter_IsRefused_AsOperator_Allowed()
    {
        using var alice = await fixture.ConnectAsync(fixture.Certificates.Client("CN=alice"));
        using var olga = await fixture.ConnectAsync(fixture.Certificates.Client("CN=olga"));
        var refused = await Assert.ThrowsAsync<SurgeAccessDeniedException>(() => alice.Services.GetRequiredService<ISurgeClient>().GetSchedulesAsync());
        Assert.Equal(SurgeRole.Operate, refused.Needed);
        Assert.NotNull(await olga.Services.GetRequiredService<ISurgeClient>().GetSchedulesAsync());
    }

    [Fact]
    public async Task Run_WithTrustedUnlistedCertificate_IsRefusedNamingSubmit()
    {
        using var nobody = await fixture.ConnectAsync(fixture.Certificates.Client("CN=nobody"));
        var refused = await Assert.ThrowsAsync<SurgeAccessDeniedException>(() => nobody.Services.GetRequiredService<ISurgeClient>().RunAsync(Quick()));
        Assert.Equal(SurgeRole.Submit, refused.Needed);
        Assert.Contains("CN=nobody", refused.Message);
    }

    [Fact]
    public async Task GetStatus_OfAnotherSubmittersTask_IsRefused_OwnAndOperatorReadsAllowed()
    {
        using var alice = await fixture.ConnectAsync(fixture.Certificates.Client("CN=alice"));
        using var bob = await fixture.ConnectAsync(fixture.Certificates.Client("CN=bob"));
        using var olga = await fixture.ConnectAsync(fixture.Certificates.Client("CN=olga"));
        var task = await alice.Services.GetRequiredService<ISurgeClient>().RunAsync(Quick(), TimeSpan.FromSeconds(30));

        Assert.Equal(TaskState.Succeeded, (await alice.Services.GetRequiredService<ISurgeClient>().GetStatusAsync(task.Id))!.State);
        Assert.Equal("CN=alice", (await olga.Services.GetRequiredService<ISurgeClient>().GetStatusAsync(task.Id))!.Submitter);
        var bobs = bob.Services.GetRequiredService<ISurgeClient>();
        Assert.Equal(SurgeRole.Operate, (await Assert.ThrowsAsync<SurgeAccessDeniedException>(() => bobs.GetStatusAsync(task.Id))).Needed);
        Assert.Equal(SurgeRole.Operate, (await Assert.ThrowsAsync<SurgeAccessDeniedException>(() => bobs.WaitAsync(task.Id))).Needed);
        // Submitting the same id again would answer with alice's task: refused too, and nothing runs.
        Assert.Equal(SurgeRole.Operate, (await Assert.ThrowsAsync<SurgeAccessDeniedException>(() => bobs.SubmitAsync(Quick() with { Id = task.Id }))).Needed);
    }

    // Refused at once, not when alice's task ends: bob must not learn when it did.
    [Fact]
    public async Task Wait_OnAnotherSubmittersRunningTask_RefusedBeforeItEnds()
    {
        using var alice = await fixture.ConnectAsync(fixture.Certificates.Client("CN=alice"));
        using var bob = await fixture.ConnectAsync(fixture.Certificates.Client("CN=bob"));
        var alices = alice.Services.GetRequiredService<ISurgeClient>();
        var task = await alices.SubmitAsync(TaskSpec.Create("simulate", """{"duration_ms":5000}"""));
        var bobs = bob.Services.GetRequiredService<ISurgeClient>();

        foreach (var wait in new Func<Task>[] { () => bobs.WaitAsync(task.Id, TimeSpan.FromSeconds(30)), () => bobs.RunAsync(Quick() with { Id = task.Id }, TimeSpan.FromSeconds(30)) })
        {
            Assert.Equal(SurgeRole.Operate, (await Assert.ThrowsAsync<SurgeAccessDeniedException>(wait)).Needed);
            Assert.False((await alices.GetStatusAsync(task.Id))!.State.IsFinal(), "bob's wait was refused only once alice's task had ended");
        }
    }

    [Fact]
    public async Task Submit_WithForgedSubmitter_RecordsTheCallersIdentity()
    {
        using var bob = await fixture.ConnectAsync(fixture.Certificates.Client("CN=bob"));
        var status = await bob.Services.GetRequiredService<ISurgeClient>().RunAsync(Quick() with { Submitter = "CN=alice" }, TimeSpan.FromSeconds(30));
        Assert.Equal("CN=bob", status.Submitter);
    }
}
