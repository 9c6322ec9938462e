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

    // A state's keys are ids like a task's entity: a control character was refused without saying which or where, and
    // a lone surrogate was taken (UTF-8 on the wire makes it U+FFFD, so the key stored is not the one sent). Both are
    // refused as the task validator refuses them in an entity, naming the key, the character and its position.
    [Theory]
    [InlineData(0x01)]
    [InlineData(0x7F)]
    [InlineData(0xD800)]
    [InlineData(0xDFFF)]
    public void Validate_KeyWithAControlCharacterOrLoneSurrogate_RefusedNamingTheCharacterAndPosition(int code)
    {
        var e = Assert.Throws<SurgeValidationException>(() => EntityKeys.Validate(["ok-1", $"ab{(char)code}c"]));
        Assert.Equal("entities[1]", e.Field);
        Assert.Contains($"U+{code:X4}", e.Message);
        Assert.Contains("position 3", e.Message);
    }

    [Fact]
    public void Validate_KeyWithPairedSurrogatesAndNonLatinLetters_Passes()
        => EntityKeys.Validate(["kunde-🙂", "注文-42", "bücher"]);

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
