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

    [Theory]
    [InlineData("after")]
    [InlineData("sequence")]
    [InlineData("event")]
    public void Validate_EntityFieldWithoutEntity_NamesThatField(string field)
    {
        var spec = field switch
        {
            "after" => Valid with { After = "build.started" },
            "sequence" => Valid with { Sequence = 1 },
            _ => Valid with { Event = "build.finished" },
        };
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(spec));
        Assert.Equal(field, e.Field);
        Assert.Contains("entity", e.Message);
    }

    // Each bound at its limit passes and one past it is refused, naming the field: the edge a client hits first.
    [Theory]
    [InlineData("id", TaskValidator.MaxIdLength)]
    [InlineData("type", TaskValidator.MaxNameLength)]
    [InlineData("entity", TaskValidator.MaxIdLength)]
    [InlineData("event", TaskValidator.MaxNameLength)]
    [InlineData("after", TaskValidator.MaxNameLength)]
    public void Validate_TextAtAndPastItsLimit_PassesThenNamesTheFieldAndLimit(string field, int limit)
    {
        TaskValidator.Validate(WithText(field, new string('x', limit)));
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(WithText(field, new string('x', limit + 1))));
        Assert.Equal(field, e.Field);
        Assert.Contains($"over the limit of {limit}", e.Message);
    }

    // Ids and names are keys in storage and lines in logs: a control character forges a log line or hides in a key,
    // and a lone surrogate is not text at all (UTF-8 on the wire turns it into U+FFFD: another id than the one sent).
    [Theory]
    [InlineData("id", 0x0A)]
    [InlineData("id", 0x00)]
    [InlineData("id", 0xD800)]
    [InlineData("type", 0x0D)]
    [InlineData("entity", 0x09)]
    [InlineData("entity", 0xDC00)]
    [InlineData("event", 0x1B)]
    [InlineData("after", 0x85)]
    public void Validate_ControlCharacterOrLoneSurrogate_NamesFieldAndCharacter(string field, int code)
    {
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(WithText(field, $"a{(char)code}b")));
        Assert.Equal(field, e.Field);
        Assert.Contains($"U+{code:X4}", e.Message);
        Assert.Contains("position 2", e.Message);
    }

    [Theory]
    [InlineData("id", " order/42", "starts")]
    [InlineData("id", "order/42 ", "ends")]
    [InlineData("type", "simulate\u00A0", "ends")]
    [InlineData("entity", " build/1", "starts")]
    [InlineData("event", "started ", "ends")]
    [InlineData("after", " started", "starts")]
    public void Validate_LeadingOrTrailingSpace_NamesFieldAndEnd(string field, string text, string end)
    {
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(WithText(field, text)));
        Assert.Equal(field, e.Field);
        Assert.Contains($"{end} with a space; remove it", e.Message);
    }

    // A valid spec with one of its text fields set to text.
    private static TaskSpec WithText(string field, string text) => field switch
    {
        "id" => Valid with { Id = text },
        "type" => Valid with { Type = text },
        "entity" => Valid.ForEntity(text),
        "event" => Valid.ForEntity("b/1", text),
        _ => Valid.ForEntity("b/1", "e", after: text),
    };

    [Fact]
    public void Validate_SpaceInsideIdAndEntity_Passes()
        => TaskValidator.Validate(Valid.ForEntity("build 42") with { Id = "order 42" });

    [Fact]
    public void Validate_PrintableUnicodeInIdAndEntity_Passes()
        => TaskValidator.Validate(Valid.ForEntity("bücher/注文-42 🙂") with { Id = "order/42 ü 注文 🙂" });

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(100, true)]
    [InlineData(101, false)]
    public void Validate_MaxAttemptsAtAndPastItsBounds_NamesMaxAttempts(int attempts, bool passes)
    {
        var spec = Valid with { MaxAttempts = attempts };
        if (passes) TaskValidator.Validate(spec);
        else Assert.Equal("maxAttempts", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(spec)).Field);
    }

    [Fact]
    public void Validate_ZeroTimeout_NamesTimeout()
        => Assert.Equal("timeout", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Timeout = TimeSpan.Zero })).Field);

    [Fact]
    public void Validate_OneFeatureOverTheMost_NamesFeatures()
    {
        var features = Enumerable.Range(0, TaskValidator.MaxFeatures + 1).ToImmutableDictionary(i => $"f{i}", i => FeatureValue.Of(i));
        Assert.Equal("features", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Features = features })).Field);
    }

    [Fact]
    public void Validate_FeatureNameWithAControlCharacter_RefusedNamingFeatures()
    {
        // A name goes into every refusal's field and into logs: "a\nb" would start a line of its own.
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Features = Features("a\nb", 1) }));
        Assert.Equal("features", e.Field);
        Assert.Contains("control character (U+000A) at position 2", e.Message);
    }

    [Fact]
    public void Validate_FeatureTextNotPrintable_RefusedNamingTheFeature()
    {
        // Not in [InlineData]: an attribute stores its strings as UTF-8, where a lone surrogate cannot be.
        foreach (var text in new[] { "ad\u0000words", "ad\ud800words" })
            Assert.Equal("features.source", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Features = Features("source", text) })).Field);
    }

    [Fact]
    public void Validate_FeatureNameAtLimitPasses_EmptyNameRefused()
    {
        TaskValidator.Validate(Valid with { Features = Features(new string('n', TaskValidator.MaxFeatureNameLength), 1) });
        Assert.Equal("features", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Features = Features(" ", 1) })).Field);
    }

    [Theory]
    [InlineData("not-a-traceparent")]
    [InlineData("00-00000000000000000000000000000000-0000000000000000-01")] // all-zero ids are invalid
    public void Validate_MalformedTraceParent_NamesTraceParent(string traceParent)
        => Assert.Equal("traceParent", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { TraceParent = traceParent })).Field);

    [Fact]
    public void Validate_FlowInputsAtAndPastTheirTotal_PassesThenNamesFlowInputs()
    {
        TaskSpec With(long total)
        {
            var half = (int)(total / 2);
            var inputs = ImmutableDictionary<string, ReadOnlyMemory<byte>>.Empty.Add("a", new byte[half]).Add("b", new byte[total - half]);
            return Valid with { Flow = new FlowStep("w", "f", "t", "v1", "e", "2026-11-30", false, inputs, []) };
        }

        TaskValidator.ValidateSystemTask(With(FlowStep.MaxInputBytes));
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.ValidateSystemTask(With(FlowStep.MaxInputBytes + 1)));
        Assert.Equal("flow.inputs", e.Field);
        Assert.Contains($"over the limit of {FlowStep.MaxInputBytes}", e.Message);
    }

    [Fact]
    public void Validate_SequenceBelowOne_NamesSequence()
        => Assert.Equal("sequence", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid.ForEntity("b/1", sequence: 0))).Field);

    [Fact]
    public void Validate_EventAfterItself_NamesAfter()
        => Assert.Equal("after", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid.ForEntity("b/1", "x", after: "x"))).Field);

    [Fact]
    public void Validate_NegativeTimeout_NamesTimeout()
        => Assert.Equal("timeout", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Timeout = TimeSpan.FromSeconds(-1) })).Field);

    [Fact]
    public void Validate_ThousandsOfLongFeatures_NamesFeaturesAndLimit()
    {
        // The case: 5,000 features of 500 characters each.
        var features = Enumerable.Range(0, 5_000).ToImmutableDictionary(i => $"f{i}", _ => FeatureValue.Of(new string('x', 500)));
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Features = features }));
        Assert.Equal("features", e.Field);
        Assert.Contains("5000 features exceed the limit of 64", e.Message);
    }

    [Fact]
    public void Validate_MaxFeatures_Passes()
        => TaskValidator.Validate(Valid with { Features = Enumerable.Range(0, TaskValidator.MaxFeatures).ToImmutableDictionary(i => $"f{i}", i => FeatureValue.Of(i)) });

    [Fact]
    public void Validate_FeatureNameTooLong_NamesItsStartAndLimit()
    {
        var name = new string('n', TaskValidator.MaxFeatureNameLength + 1);
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Features = Features(name, 1) }));
        Assert.Equal($"features.{new string('n', 32)}…", e.Field);
        Assert.Contains("over the limit of 128", e.Message);
    }

    [Fact]
    public void Validate_FeatureTextTooLong_NamesFeatureAndLimit()
    {
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Features = Features("source", new string('x', 1025)) }));
        Assert.Equal("features.source", e.Field);
        Assert.Contains("1025 characters (UTF-16), over the limit of 1024", e.Message);
    }

    [Fact]
    public void Validate_FeatureTextAtLimit_Passes()
        => TaskValidator.Validate(Valid with { Features = Features("source", new string('x', TaskValidator.MaxFeatureTextLength)) });

    [Fact]
    public void Validate_TimeoutOverDefaultLimit_NamesTimeoutLimitAndKey()
    {
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Timeout = TimeSpan.FromDays(50) }));
        Assert.Equal("timeout", e.Field);
        Assert.Contains("50.00:00:00 exceeds the limit of 7.00:00:00 (Surge:Tasks:MaxTimeout)", e.Message);
    }

    [Fact]
    public void Validate_TimeoutAtLimit_Passes() => TaskValidator.Validate(Valid with { Timeout = TaskLimits.Default.MaxTimeout });

    [Fact]
    public void Validate_OwnLimits_Apply()
    {
        var limits = new TaskLimits(MaxPayloadBytes: 10, MaxTimeout: TimeSpan.FromMinutes(1));
        Assert.Equal("timeout", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Timeout = TimeSpan.FromMinutes(2) }, limits)).Field);
        Assert.Equal("payload", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Payload = new byte[11] }, limits)).Field);
    }

    [Fact]
    public void Validate_PayloadLimitOverload_KeepsDefaultTimeoutLimit()
    {
        Assert.Equal("payload", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Payload = new byte[11] }, 10)).Field);
        Assert.Equal("timeout", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Timeout = TimeSpan.FromDays(8) }, 10)).Field);
    }

    [Theory]
    [InlineData("schedule:nightly:20260101T020000Z")]
    [InlineData("schedule:")]
    [InlineData("wave:w1:build/1:fetch@1")]
    public void Validate_ReservedIdPrefix_RefusedNamingIdAndWhy(string id)
    {
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Id = id }));
        Assert.Equal("id", e.Field);
        Assert.Contains("reserved for the tasks Surge submits itself", e.Message);
    }

    [Theory]
    [InlineData("Schedule:x")] // prefixes are case-sensitive, as ids are
    [InlineData("my-schedule:x")]
    [InlineData("waves")]
    public void Validate_IdMerelyLikeAReservedOne_Passes(string id) => TaskValidator.Validate(Valid with { Id = id });

    [Theory]
    [InlineData("schedule.nightly.20260101T020000", true)]
    [InlineData("schedule-nightly", false)]
    [InlineData("nightly.2026-01-01.ab12cd34", false)]
    public void WaveIds_ScheduledPrefix_ReservedForSchedules(string id, bool reserved)
    {
        Assert.Equal(reserved, Surge.Flows.WaveIds.IsReserved(id));
        if (reserved) Assert.Equal("wave", Assert.Throws<SurgeValidationException>(() => Surge.Flows.WaveIds.RefuseReserved(id)).Field);
        Assert.Equal(reserved, id == ScheduleSpec.ForWave("nightly", "0 2 * * *", "f", "s").WaveFor(new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero))!.WaveId);
    }

    [Fact]
    public void Validate_WaveSchedule_NoTaskToCheck()
        => TaskValidator.Validate(ScheduleSpec.ForWave("nightly", "0 2 * * *", "flow", "state"), DateTimeOffset.UnixEpoch);

    [Fact]
    public void Validate_ClientSpecWithFlow_RefusedNamingFlowAndTheFix()
    {
        // Past the inputs' bound and the missing pipes' count, or with no inputs at all: refused as a field, not checked.
        var huge = new FlowStep("w", "f", "t", "v1", "e", "2026-01-01", false,
            ImmutableDictionary<string, ReadOnlyMemory<byte>>.Empty.Add("p", new byte[FlowStep.MaxInputBytes + 1]), [.. Enumerable.Repeat("x", 100_000)]);
        foreach (var flow in new[] { huge, huge with { Inputs = null! } })
        {
            var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(Valid with { Flow = flow }));
            Assert.Equal("flow", e.Field);
            Assert.Contains("set by waves only; remove it", e.Message);
        }
    }

    [Fact]
    public void ValidateSystemTask_WaveStepWithFlow_Passes()
        => TaskValidator.ValidateSystemTask(Valid with
        {
            Id = "wave:w:e:t@v1",
            Flow = new FlowStep("w", "f", "t", "v1", "e", "2026-01-01", false, ImmutableDictionary<string, ReadOnlyMemory<byte>>.Empty, ["p"]),
        });

    [Fact]
    public void ValidateSystemTask_ScheduleId_Passes() => TaskValidator.ValidateSystemTask(Valid with { Id = "schedule:nightly:20260101T020000Z" });

    [Fact]
    public void Validate_Schedule_ItsOwnReservedIdPassesAndItsNameIsChecked()
    {
        TaskValidator.Validate(ScheduleSpec.Create("nightly", "0 2 * * *", "report"), DateTimeOffset.UnixEpoch);
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(ScheduleSpec.Create(" ", "0 2 * * *", "report"), DateTimeOffset.UnixEpoch));
        Assert.Equal("name", e.Field);
    }

    [Theory]
    [InlineData("$type")]
    [InlineData("$")]
    public void Validate_DollarFeature_RefusedEvenForSystemTasks(string name)
    {
        var spec = Valid with { Features = Features(name, "short") };
        Assert.Equal($"features.{name}", Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(spec)).Field);
        Assert.Equal($"features.{name}", Assert.Throws<SurgeValidationException>(() => TaskValidator.ValidateSystemTask(spec)).Field);
    }

    [Fact]
    public void Validate_KindFeatureOutsideSimulate_Refused()
    {
        var e = Assert.Throws<SurgeValidationException>(() => TaskValidator.Validate(TaskSpec.Create("report", features: new Dictionary<string, FeatureValue> { ["kind"] = "fetch" })));
        Assert.Equal("features.kind", e.Field);
        Assert.Contains("'simulate'", e.Message);
    }

    [Fact]
    public void Validate_KindFeatureOnSimulate_Passes() => TaskValidator.Validate(Valid with { Features = Features("kind", "report") });

    private static ImmutableDictionary<string, FeatureValue> Features(string name, FeatureValue value)
        => ImmutableDictionary<string, FeatureValue>.Empty.Add(name, value);
}
