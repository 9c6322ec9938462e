using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.TestingHost;
using StackExchange.Redis;
using Surge.Client;
using Surge.Cluster.Tests.Redis;
using Surge.Entities;
using Surge.Hosting;
using Surge.Hosting.Redis;
using Surge.Tasks;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// An entity shard whose claim another activation took (as one on a silo that woke from a long pause would find), with
/// its books in a real redis-server: its write is refused and stores nothing, it steps down, and the retry reaches a
/// fresh activation (a newer claim) that reads the stored book, so the entity's events still run one at a time, in order.
/// Also the answers that let the other side act, which a replaced activation must not give from memory: an entity
/// shard's "released", and a task shard's "unknown".
/// </summary>
[Trait("Category", "Redis")]
public class EntityShardClaimTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _serviceId = $"stepdown-{Guid.NewGuid():N}";
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _keys = null!;
    private SurgeCluster _surge = null!;
    private readonly List<string> _events = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _keys = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        _surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
        {
            ["Surge:Autoscale:Enabled"] = "false",
            ["Surge:Redis:ConnectionString"] = _redis.ConnectionString,
            ["Surge:Cluster:ServiceId"] = _serviceId,
        }, b => b.AddSiloBuilderConfigurator<BooksInRedis>());
    }

    public async Task DisposeAsync()
    {
        foreach (var id in _events) IntervalHandler.Release(id); // a failed test leaves none running through the silos' shutdown
        await _surge.DisposeAsync();
        await _keys.DisposeAsync();
        _redis.Dispose();
    }

    [Fact]
    public async Task Submit_EntityShardClaimedByAnotherActivation_WriteRefusedThenAFreshActivationKeepsTheOrder()
    {
        var (entity, started, finished) = Events();
        var claimed = await StartFirstAsync(entity, started);
        var book = await BookBytesAsync(entity);
        var stolen = await StealClaimAsync(entity, claimed);

        // Without retries the caller sees the refusal itself: retryable, nothing accepted, nothing written after the steal.
        var refused = await Record.ExceptionAsync(() => ClientWithoutRetries().SubmitAsync(finished));
        Assert.True(refused is SurgeUnavailableException { InnerException: SurgeStoreUnavailableException },
            $"a write under a replaced claim: expected a retryable refusal (SurgeUnavailableException, inner SurgeStoreUnavailableException), got {refused?.ToString() ?? "success"}");
        output.WriteLine($"refused: {refused!.InnerException!.Message}");
        Assert.Contains("newer activation", refused.InnerException.Message); // the reason, not a serialization failure of it
        Assert.Null(await _surge.Client.GetStatusAsync(finished.Id));
        var after = await BookBytesAsync(entity);
        Assert.True(book.AsSpan().SequenceEqual(after), "the book in Redis changed after the steal: the stale activation's write was stored");

        var retried = await _surge.Client.SubmitAsync(finished); // the stale activation stepped down: a fresh one serves it
        await AssertServedByFreshActivationAsync(entity, stolen, retried, finished);
        await AssertRunInOrderAsync(entity, started, finished);
    }

    [Fact]
    public async Task Submit_EntityShardClaimedByAnotherActivation_ClientRetrySucceedsOnAFreshActivation()
    {
        var (entity, started, finished) = Events();
        var claimed = await StartFirstAsync(entity, started);
        var stolen = await StealClaimAsync(entity, claimed);

        var submitted = await _surge.Client.SubmitAsync(finished); // refused once, retried by the client
        await AssertServedByFreshActivationAsync(entity, stolen, submitted, finished);
        await AssertRunInOrderAsync(entity, started, finished);
    }

    [Fact]
    public async Task EventEnd_EntityShardClaimedByAnotherActivation_NextEventStillRunsAfterIt()
    {
        var (entity, started, finished) = Events();
        var claimed = await StartFirstAsync(entity, started);
        Assert.Equal(TaskState.Held, (await _surge.Client.SubmitAsync(finished)).State);
        var stolen = await StealClaimAsync(entity, claimed);

        // "started" ends: its end reaches the stale activation, whose release of "finished" is refused and never sent.
        // It steps down; "finished"'s shard hands it over again (at its first upkeep once it has waited 5 s), and the
        // fresh activation asks "started"'s record at once before it lets "finished" go: 5-10 s (10 s before a
        // hand-over asked at once; a first admission still asks only after StaleAfter).
        await AssertRunInOrderAsync(entity, started, finished);
        var claim = (long)await Db.StringGetAsync(ClaimKey(entity));
        Assert.True(claim > stolen, $"the claim is {claim}, the stolen one {stolen}: no fresh activation claimed the shard");
        output.WriteLine($"served by the activation of claim {claim}");
    }

    // A hand-over of the event a stale activation has running (a task shard's upkeep, a retried submission) was answered
    // "released" from memory, with no write to fence it. In a chaos run the current activation had withdrawn that event
    // (its shard did not know it yet); the stale one's answer let its shard dispatch it, and its successor then waited,
    // held, for an end the stored book no longer expected (stuck at the check and 2 minutes after).
    [Fact]
    public async Task Admit_RunningEventHandedOverAgainToAStaleActivation_RefusedNotReleasedFromMemory()
    {
        var (entity, started, _) = Events();
        var claimed = await StartFirstAsync(entity, started);
        var book = await BookBytesAsync(entity);
        await StealClaimAsync(entity, claimed);

        var answer = await Record.ExceptionAsync(() => SiloGrains.Entity(entity).AdmitAsync(EntityEvent.Of(started)));

        Assert.True(answer is SurgeStoreUnavailableException, $"the stale activation answered {answer?.GetType().Name ?? "released"}; expected a retryable refusal");
        Assert.Contains("newer activation", answer!.Message);
        var after = await BookBytesAsync(entity);
        Assert.True(book.AsSpan().SequenceEqual(after), "the stale activation's write was stored");
        // The retry reaches a fresh activation, which reads the stored book: "started" runs, so it is released again.
        Assert.Equal(Admission.Released, await SiloGrains.Entity(entity).AdmitAsync(EntityEvent.Of(started)));
        IntervalHandler.Release(started.Id);
        Assert.Equal(TaskState.Succeeded, (await _surge.Client.WaitAsync(started.Id, Limit)).State);
        Assert.Single(IntervalHandler.Runs, r => r.TaskId == started.Id);
    }

    // The other side: an entity asks a task shard where a task it released stands, and "unknown" lets it drop that task
    // from its book and release the next. A task shard activation that another replaced said "unknown" from memory,
    // also for a task the current one had stored and was running: an answer only the current activation may give.
    [Fact]
    public async Task GetRun_TaskShardClaimedByAnotherActivation_RefusedNotUnknown()
    {
        var known = $"claimed-{Guid.NewGuid():N}";
        var shard = TaskShards.For(known);
        var unknown = Enumerable.Range(0, 100_000).Select(i => $"{known}-{i}").First(id => TaskShards.For(id) == shard);
        Assert.Equal(TaskState.Succeeded, (await _surge.Client.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":0}""", id: known))).State);
        Assert.Equal(EventRun.Unknown, await SiloGrains.EventShard(unknown).GetRunAsync(unknown)); // the current activation may say it
        var stolen = await Db.StringIncrementAsync($"{{surge:{_serviceId}:tasks:{shard}}}:claim");
        output.WriteLine($"task shard {shard}: claim {stolen} taken by another activation");

        var answer = await Record.ExceptionAsync(() => SiloGrains.EventShard(unknown).GetRunAsync(unknown));

        Assert.True(answer is SurgeStoreUnavailableException, $"the replaced activation answered {answer?.GetType().Name ?? "unknown"}; expected a retryable refusal");
        Assert.Contains("newer activation", answer!.Message);
        // Asked again: a fresh activation, which claimed and loaded, says it.
        Assert.Equal(EventRun.Unknown, await SiloGrains.EventShard(unknown).GetRunAsync(unknown));
        Assert.True((long)await Db.StringGetAsync($"{{surge:{_serviceId}:tasks:{shard}}}:claim") > stolen, "no fresh activation claimed the shard");
    }

    // "finished" has its task shard on the other silo than its entity's shard: the entity's refusal crosses silos, and
    // must reach the caller as itself (a reason, retryable), not as an exception the silos cannot serialize.
    private (string Entity, TaskSpec Started, TaskSpec Finished) Events()
    {
        var entity = $"build/{Guid.NewGuid():N}";
        var silos = _surge.Cluster.GetActiveSilos().Select(s => s.SiloAddress).ToArray();
        var entitySilo = ShardPlacement.Pick(EntityShards.For(entity), silos)!;
        var other = silos.Single(s => !s.Equals(entitySilo));
        var started = TaskSpec.Create(IntervalHandler.TypeName).ForEntity(entity, "build.started");
        var finished = TaskSpec.Create(IntervalHandler.TypeName, id: Tracing.TracedCluster.IdOn(other, silos, "finished"))
            .ForEntity(entity, "build.finished", after: "build.started");
        _events.AddRange([started.Id, finished.Id]);
        return (entity, started, finished);
    }

    // "started" runs (its entity shard activated, claimed and stored its book); the claim that activation holds.
    private async Task<long> StartFirstAsync(string entity, TaskSpec started)
    {
        await _surge.Client.SubmitAsync(started);
        await Eventually.TrueAsync(() => IntervalHandler.IsRunning(started.Id), $"{started.Id} running", Limit);
        var stored = await LoadBookAsync(entity);
        Assert.Equal(started.Id, stored.Running?.TaskId);
        var claim = (long)await Db.StringGetAsync(ClaimKey(entity));
        Assert.True(claim > 0, "the entity shard stored its book without claiming its shard");
        return claim;
    }

    // What a second activation of the shard does first, on a silo that woke up elsewhere: INCR the claim.
    private async Task<long> StealClaimAsync(string entity, long claimed)
    {
        var stolen = await Db.StringIncrementAsync(ClaimKey(entity));
        Assert.Equal(claimed + 1, stolen);
        output.WriteLine($"shard {EntityShards.For(entity)}: claim {claimed} stolen by claim {stolen}");
        return stolen;
    }

    private async Task AssertServedByFreshActivationAsync(string entity, long stolen, TaskStatus submitted, TaskSpec finished)
    {
        Assert.Equal(TaskState.Held, submitted.State); // "started" still runs, as the stored book says
        var claim = (long)await Db.StringGetAsync(ClaimKey(entity));
        Assert.True(claim > stolen, $"the claim is {claim}, the stolen one {stolen}: no fresh activation claimed the shard, so the stale one served the retry");
        output.WriteLine($"served by the activation of claim {claim}");
        var stored = await LoadBookAsync(entity);
        Assert.Equal([finished.Id], stored.Pending.Select(p => p.Event.TaskId));
    }

    private async Task AssertRunInOrderAsync(string entity, TaskSpec started, TaskSpec finished)
    {
        Assert.False(IntervalHandler.IsRunning(finished.Id), "build.finished runs beside build.started");
        IntervalHandler.Release(started.Id);
        await Eventually.TrueAsync(() => IntervalHandler.IsRunning(finished.Id), $"{finished.Id} running after {started.Id} ended", Limit);
        IntervalHandler.Release(finished.Id);
        Assert.Equal(TaskState.Succeeded, (await _surge.Client.WaitAsync(started.Id, Limit)).State);
        Assert.Equal(TaskState.Succeeded, (await _surge.Client.WaitAsync(finished.Id, Limit)).State);
        var runs = IntervalHandler.Runs.Where(r => r.Entity == entity).OrderBy(r => r.Start).ToList();
        Assert.Equal([started.Id, finished.Id], runs.Select(r => r.TaskId)); // each once, "finished" second
        output.WriteLine($"build.finished started {(runs[1].Start - runs[0].End).TotalSeconds:F2} s after build.started ended");
        Assert.True(runs[1].Start >= runs[0].End, $"build.finished started at {runs[1].Start:O}, before build.started ended at {runs[0].End:O}");
    }

    private IDatabase Db => _keys.GetDatabase();

    // The primary silo's grain factory: the shards' internal interfaces are for silos, not clients.
    private IGrainFactory SiloGrains => ((InProcessSiloHandle)_surge.Cluster.Primary!).SiloHost.Services.GetRequiredService<IGrainFactory>();

    // The keys RedisEntityBookStore uses: the shard's claim, and one book under the shard's hash tag.
    private RedisKey ClaimKey(string entity) => $"surge:{_serviceId}:entities:{{{EntityShards.For(entity)}}}";

    private async Task<byte[]> BookBytesAsync(string entity)
        => (byte[])(await Db.StringGetAsync($"surge:{_serviceId}:entities:{{{EntityShards.For(entity)}}}:{entity}"))!;

    private async Task<EntityRecord> LoadBookAsync(string entity)
    {
        await using var connection = new RedisConnection(_redis.ConnectionString);
        var store = new RedisEntityBookStore(connection, Serializers.GetRequiredService<Serializer<EntityRecord>>(),
            Options.Create(new ClusterOptions { ServiceId = _serviceId }), Options.Create(new TaskOptions()), Options.Create(new EntityOptions()));
        return (await store.LoadAsync(EntityShards.For(entity), [entity]))[0].State!;
    }

    private static readonly IServiceProvider Serializers = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(EntityRecord).Assembly).AddAssembly(typeof(TaskSpec).Assembly))
        .BuildServiceProvider();

    // The production client over the cluster's Orleans client, with no retry of a refused store.
    private ISurgeClient ClientWithoutRetries()
    {
        var services = new ServiceCollection();
        services.AddSingleton(_surge.Cluster.Client);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSurgeClient(o => o.MaxRetries = 0);
        return services.BuildServiceProvider().GetRequiredService<ISurgeClient>();
    }
}
