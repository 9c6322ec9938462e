using Surge.Flows;

namespace Surge.Tests.Flows;

/// <summary>A state's keys: 1 to 96 characters without spaces, named by position when refused.</summary>
public class EntityKeysTests
{
    [Fact]
    public void Validate_KeysAtTheLimits_Pass()
        => EntityKeys.Validate(["c", new string('k', EntityKeys.MaxLength), "customer-42/eu.west_1"]);

    [Theory]
    [InlineData("")]
    [InlineData("customer 42")]
    [InlineData("tab\tkey")]
    [InlineData("line\nkey")]
    [InlineData("nbsp\u00a0key")]
    public void Validate_KeyEmptyOrWithSpaceOrControl_RefusedNamingItsPosition(string bad)
    {
        var e = Assert.Throws<SurgeValidationException>(() => EntityKeys.Validate(["ok-1", "ok-2", bad]));
        Assert.Equal("entities[2]", e.Field);
        Assert.Contains($"1 to {EntityKeys.MaxLength} characters without spaces", e.Message);
    }

    [Fact]
    public void Validate_KeyOneOverTheLongest_RefusedNamingItsPosition()
        => Assert.Equal("entities[0]", Assert.Throws<SurgeValidationException>(() => EntityKeys.Validate([new string('k', EntityKeys.MaxLength + 1)])).Field);

    [Fact]
    public void Validate_MoreKeysThanACallCarries_RefusedNamingTheBatchLimit()
    {
        EntityKeys.Validate([.. Enumerable.Range(0, EntityKeys.MaxPerCall).Select(i => $"c{i}")]);
        var e = Assert.Throws<SurgeValidationException>(() => EntityKeys.Validate([.. Enumerable.Range(0, EntityKeys.MaxPerCall + 1).Select(i => $"c{i}")]));
        Assert.Equal("entities", e.Field);
        Assert.Contains("batches", e.Message);
    }
}
