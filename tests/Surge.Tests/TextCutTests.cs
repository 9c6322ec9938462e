using System.Text;

namespace Surge.Tests;

// Errors and refused names are cut to a bound before they are stored or shown; a cut between the halves of a
// surrogate pair left a lone high surrogate, which UTF-8 (Redis, JSON, logs) cannot carry and turns into U+FFFD.
public class TextCutTests
{
    private const string Emoji = "\U0001F600"; // two UTF-16 characters

    // Text whose character at index max - 1 is the high half of a pair.
    private static string PairAcross(int max) => new string('a', max - 1) + Emoji + new string('b', 10);

    private static bool IsWellFormed(string s) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)) == s;

    [Fact]
    public void Head_CutFallsInsideAPair_StopsBeforeThePair()
    {
        var text = PairAcross(10);
        Assert.Equal(new string('a', 9), TextCut.Head(text, 10).ToString());
        Assert.Equal(new string('a', 9) + Emoji, TextCut.Head(text, 11).ToString());
        Assert.Equal("abc", TextCut.Head("abc", 10).ToString());
    }

    [Fact]
    public void AttemptStatusBound_ErrorWithAPairAtTheBound_StaysWellFormed()
    {
        var bound = AttemptStatus.Bound(PairAcross(AttemptStatus.MaxErrorLength))!;
        Assert.True(IsWellFormed(bound), "a lone surrogate was left at the cut");
        Assert.Equal(new string('a', AttemptStatus.MaxErrorLength - 1) + "…", bound);
    }

    [Fact]
    public void TaskStatusBoundError_ErrorWithAPairAtTheBound_StaysWellFormedAndCountsWhatWasCut()
    {
        var error = PairAcross(TaskStatus.MaxErrorLength);
        var bound = TaskStatus.BoundError(error)!;
        Assert.True(IsWellFormed(bound));
        Assert.EndsWith($"… ({error.Length - (TaskStatus.MaxErrorLength - 1)} more characters cut)", bound);
    }

    [Fact]
    public void Validate_FeatureNameTooLongWithAPairWhereItIsShown_FieldNameStaysWellFormed()
    {
        var name = PairAcross(32) + new string('c', TaskValidator.MaxFeatureNameLength);
        var spec = TaskSpec.Create("simulate", "{}", new Dictionary<string, FeatureValue> { [name] = FeatureValue.Of(1) });
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(spec));
        Assert.True(IsWellFormed(e.Field), $"field '{e.Field}' holds a lone surrogate");
        Assert.Equal($"features.{new string('a', 31)}…", e.Field);
    }
}
