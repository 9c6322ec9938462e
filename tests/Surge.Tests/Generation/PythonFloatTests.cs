using Surge.Replay.Generation;

namespace Surge.Tests.Generation;

/// <summary>Python's round, float // and repr; every expected string is what python3 printed for the same input.</summary>
public class PythonFloatTests
{
    [Theory]
    [InlineData(0.15, "0.1")]   // Math.Round(0.15, 1) is 0.2: 0.15 * 10 rounds up onto the tie
    [InlineData(0.25, "0.2")]   // exact ties go to even
    [InlineData(0.35, "0.3")]
    [InlineData(2.25, "2.2")]
    [InlineData(2.75, "2.8")]
    [InlineData(0.05, "0.1")]
    [InlineData(1.45, "1.4")]
    [InlineData(2.675, "2.7")]
    [InlineData(5.55, "5.5")]
    [InlineData(-0.15, "-0.1")]
    [InlineData(-2.25, "-2.2")]
    [InlineData(-0.04, "-0.0")]
    [InlineData(1234.45, "1234.5")]
    [InlineData(5999.96, "6000.0")]
    [InlineData(4095.95, "4095.9")]
    [InlineData(123456789012345.67, "123456789012345.7")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e-5, "0.0")]
    public void Round_OneDigit_PythonsRound(double x, string expected) => Assert.Equal(expected, PythonFloat.Repr(PythonFloat.Round(x, 1)));

    [Theory]
    [InlineData(8.0, "8.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(100.0, "100.0")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(9999999999999998.0, "9999999999999998.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e22, "1e+22")]
    [InlineData(1152921504606846976.0, "1.152921504606847e+18")]
    [InlineData(1e-4, "0.0001")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(1.5e-5, "1.5e-05")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(12345678.9, "12345678.9")]
    [InlineData(double.Epsilon, "5e-324")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    public void Repr_Float_PythonsShortestRepr(double x, string expected) => Assert.Equal(expected, PythonFloat.Repr(x));

    [Theory]
    [InlineData(29999.999999999996, 10000.0, "2.0")]
    [InlineData(19999.999999999996, 10000.0, "1.0")]
    [InlineData(30000.0, 10000.0, "3.0")]
    [InlineData(1e-300, 10000.0, "0.0")]
    [InlineData(-1.0, 10000.0, "-1.0")]
    [InlineData(-0.0, 10000.0, "-0.0")]
    [InlineData(5.0, -2.0, "-3.0")]
    [InlineData(1.0, 0.1, "9.0")] // floor(1.0 / 0.1) is 10: the quotient rounds up, fmod does not
    public void FloorDiv_Floats_PythonsFloorDivision(double x, double y, string expected)
        => Assert.Equal(expected, PythonFloat.Repr(PythonFloat.FloorDiv(x, y)));
}
