using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surge.Hosting;
using Surge.Workers;

namespace Surge.Tests;

/// <summary>Where the built-in simulate handler is registered (Surge:Workers:Simulate), and the bounds of its payload.</summary>
public class SimulateRegistrationTests
{
    private static IReadOnlyCollection<string> TypesOf(IServiceCollection services, params (string Key, string Value)[] settings)
    {
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());
        services.AddSurgeWorkers();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<HandlerRegistry>().Types;
    }

    [Fact]
    public void AddSurgeWorkers_SimulateUnset_NotRegistered()
        => Assert.DoesNotContain(SimulateHandler.TypeName, TypesOf(new ServiceCollection()));

    [Fact]
    public void AddSurgeWorkers_SimulateTrue_Registered()
        => Assert.Contains(SimulateHandler.TypeName, TypesOf(new ServiceCollection(), ("Surge:Workers:Simulate", "true")));

    [Theory]
    [InlineData(null, true)] // embedded defaults: loopback only, the quick start's silo
    [InlineData("false", false)]
    public void AddSurgeSilo_EmbeddedDefaults_OnUnlessSetFalse(string? setting, bool registered)
    {
        var builder = Host.CreateApplicationBuilder(setting is null ? [] : [$"--Surge:Workers:Simulate={setting}"]);
        builder.AddSurgeSilo();
        using var host = builder.Build();
        Assert.Equal(registered, host.Services.GetRequiredService<HandlerRegistry>().Types.Contains(SimulateHandler.TypeName));
    }

    [Theory]
    [InlineData("""{"duration_ms":10,"memory_mb":4097}""", "payload.memory_mb")]
    [InlineData("""{"duration_ms":10,"memory_mb":1e300,"allocate":true}""", "payload.memory_mb")]
    [InlineData("""{"duration_ms":3600001}""", "payload.duration_ms")]
    public void Validate_PastTheBounds_RefusedNamingTheField(string payload, string field)
    {
        var e = Assert.Throws<SurgeValidationException>(() => new SimulateHandler(TimeProvider.System).Validate(TaskSpec.Create(SimulateHandler.TypeName, payload)));
        Assert.Equal(field, e.Field);
    }

    // One array of int.MaxValue bytes (over Array.MaxLength) failed every allocating task of 2,048 MB and more, under
    // the 4,096 MB the handler accepts. The plan, not the allocation (holding 2 GB took 47 s of a loaded suite).
    [Theory]
    [InlineData(4096, 16)]
    [InlineData(2100, 9)]
    [InlineData(0.5, 1)]
    public void ChunkSizes_UpToTheBound_ArraysEachUnderArrayMaxLengthTogetherTheWhole(double memoryMb, int arrays)
    {
        var sizes = SimulateHandler.ChunkSizes(memoryMb);
        Assert.Equal(arrays, sizes.Length);
        Assert.All(sizes, size => Assert.InRange(size, 1, Array.MaxLength));
        Assert.Equal((long)(memoryMb * 1024 * 1024), sizes.Sum(size => (long)size));
    }

    [Fact]
    public async Task HandleAsync_Allocating_HoldsItAndSucceeds()
    {
        var context = new TaskContext
        {
            TaskId = "t", Type = SimulateHandler.TypeName, Payload = """{"memory_mb":300,"allocate":true}"""u8.ToArray(),
            Features = System.Collections.Immutable.ImmutableDictionary<string, FeatureValue>.Empty,
        };
        await new SimulateHandler(TimeProvider.System).HandleAsync(context, CancellationToken.None);
        Assert.Equal(300, context.MemoryMb);
    }

    [Fact]
    public void HandleAsync_Blocking_SleepsOnItsThreadThroughACancelledToken()
    {
        var context = new TaskContext
        {
            TaskId = "t", Type = SimulateHandler.TypeName, Payload = """{"duration_ms":50,"blocking":true}"""u8.ToArray(),
            Features = System.Collections.Immutable.ImmutableDictionary<string, FeatureValue>.Empty,
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // A fake clock that never moves: the awaiting form would never end; the blocking one sleeps on real time.
        var run = new SimulateHandler(new Microsoft.Extensions.Time.Testing.FakeTimeProvider()).HandleAsync(context, new CancellationToken(canceled: true));
        Assert.True(run.IsCompletedSuccessfully, "the blocking form returns only once it has slept, on the caller's thread");
        Assert.True(clock.ElapsedMilliseconds >= 45, $"slept {clock.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData("""{"duration_ms":3600000,"memory_mb":4096,"allocate":true}""")]
    [InlineData("""{"duration_ms":"soon"}""")] // not numbers: fails its task when it runs, holding nothing
    [InlineData("")]
    public void Validate_WithinTheBoundsOrNotNumbers_Passes(string payload)
        => new SimulateHandler(TimeProvider.System).Validate(new TaskSpec("t", SimulateHandler.TypeName, System.Text.Encoding.UTF8.GetBytes(payload), System.Collections.Immutable.ImmutableDictionary<string, FeatureValue>.Empty));
}
