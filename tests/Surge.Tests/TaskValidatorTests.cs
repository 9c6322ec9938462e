using System.Collections.Immutable;

namespace Surge.Tests;

public class TaskValidatorTests
{
    private static TaskSpec Valid => TaskSpec.Create("simulate", "{}", id: "t-1");

    [Fact]
    public void Validate_ValidSpec_DoesNotThrow() => TaskValidator.Validate(Valid);

    [Theory]
    [InlineData("", "id")]
    [InlineData("   ", "id")]
    public void Validate_EmptyId_NamesId(string id, string field)
        => Assert.Equal(field, Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Id = id })).Field);

    [Fact]
    public void Validate_EmptyType_NamesType()
        => Assert.Equal("type", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Type = "" })).Field);

    [Fact]
    public void Validate_PayloadOverLimit_NamesPayloadAndLimit()
    {
        var spec = Valid with { Payload = new byte[TaskValidator.DefaultMaxPayloadBytes + 1] };
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(spec));
        Assert.Equal("payload", e.Field);
        Assert.Contains("1048576", e.Message);
    }

    [Fact]
    public void Validate_PayloadAtLimit_Passes()
        => TaskValidator.Validate(Valid with { Payload = new byte[TaskValidator.DefaultMaxPayloadBytes] });

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_NonFiniteFeature_NamesFeature(double value)
    {
        var spec = Valid with { Features = ImmutableDictionary<string, FeatureValue>.Empty.Add("rows", value) };
        Assert.Equal("features.rows", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(spec)).Field);
    }

    [Fact]
    public void Validate_AfterWithoutEntity_NamesAfter()
        => Assert.Equal("after", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { After = "build.started" })).Field);

    [Fact]
    public void Validate_SequenceBelowOne_NamesSequence()
        => Assert.Equal("sequence", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid.ForEntity("b/1", sequence: 0))).Field);

    [Fact]
    public void Validate_EventAfterItself_NamesAfter()
        => Assert.Equal("after", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid.ForEntity("b/1", "x", after: "x"))).Field);

    [Fact]
    public void Validate_NegativeTimeout_NamesTimeout()
        => Assert.Equal("timeout", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Timeout = TimeSpan.FromSeconds(-1) })).Field);
}
