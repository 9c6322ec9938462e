using System.Globalization;
using System.Numerics;

namespace Surge.Replay.Generation;

/// <summary>
/// The float operations of the reference generator that .NET spells differently: <c>round(x, n)</c>, <c>x // y</c>
/// and <c>repr(x)</c> (what <c>json.dumps</c> writes), each giving CPython's exact result.
/// </summary>
internal static class PythonFloat
{
    private const double TwoPow52 = 4503599627370496.0;
    private const double TwoPow53 = 9007199254740992.0;

    /// <summary>
    /// <c>round(x, digits)</c>: correctly rounded on the binary value, ties to even. Math.Round scales by 10^digits
    /// first, and that product can round up onto a tie: Math.Round(0.15, 1) is 0.2, Python's round(0.15, 1) is 0.1.
    /// </summary>
    public static double Round(double x, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 22); // 10^22 is the largest exact power of ten
        if (!double.IsFinite(x) || x == 0 || Math.Abs(x) >= TwoPow52) return x; // already a whole number
        var bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
        var biased = (int)(bits >> 52);
        var mantissa = bits & ((1L << 52) - 1);
        if (biased != 0) mantissa |= 1L << 52;
        var shift = 1075 - (biased == 0 ? 1 : biased); // |x| = mantissa / 2^shift, shift > 0 below 2^52
        var scaled = mantissa * BigInteger.Pow(10, digits);
        var whole = scaled >> shift;
        var twiceRest = (scaled - (whole << shift)) << 1;
        var half = BigInteger.One << shift;
        if (twiceRest > half || (twiceRest == half && !whole.IsEven)) whole += 1;
        var power = Math.Pow(10, digits);
        // One correctly rounded division when both operands are exact doubles; otherwise let the parser round.
        var result = whole < new BigInteger(TwoPow53)
            ? (double)whole / power
            : double.Parse($"{whole}E-{digits}", NumberStyles.Float, CultureInfo.InvariantCulture);
        return Math.CopySign(result, x);
    }

    /// <summary><c>x // y</c> for floats, as CPython's <c>float_floor_div</c> computes it (via fmod, not floor(x / y)).</summary>
    public static double FloorDiv(double x, double y)
    {
        if (y == 0) throw new DivideByZeroException("float floor division by zero");
        var mod = x % y; // C#'s % on doubles is C's fmod
        var div = (x - mod) / y;
        if (mod != 0 && (y < 0) != (mod < 0)) div -= 1.0;
        if (div == 0) return Math.CopySign(0.0, x / y);
        var floor = Math.Floor(div);
        if (div - floor > 0.5) floor += 1.0;
        return floor;
    }

    /// <summary>
    /// <c>repr(x)</c>: the shortest digits that read back as x, fixed notation from 1e-4 up to 1e16 (always with a
    /// fraction, "8.0"), exponent notation outside it ("1e+16", "1.5e-05").
    /// </summary>
    public static string Repr(double x)
    {
        if (double.IsNaN(x)) return "nan";
        if (double.IsInfinity(x)) return x > 0 ? "inf" : "-inf";
        // "E16" would not be shortest; "R" is the shortest round-trip string since .NET Core 3.0.
        var text = x.ToString("R", CultureInfo.InvariantCulture);
        var negative = text.StartsWith('-');
        if (negative) text = text[1..];
        var exponent = 0;
        var e = text.IndexOf('E');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var point = text.IndexOf('.');
        var digits = point < 0 ? text : text[..point] + text[(point + 1)..];
        var decimalPoint = (point < 0 ? text.Length : point) + exponent; // digits are 0.d1d2... * 10^decimalPoint
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        decimalPoint -= leadingZeros;
        if (digits.Length == 0) return negative ? "-0.0" : "0.0";
        var sign = negative ? "-" : "";
        if (decimalPoint is > -4 and <= 16)
        {
            if (decimalPoint <= 0) return $"{sign}0.{new string('0', -decimalPoint)}{digits}";
            if (decimalPoint >= digits.Length) return $"{sign}{digits}{new string('0', decimalPoint - digits.Length)}.0";
            return $"{sign}{digits[..decimalPoint]}.{digits[decimalPoint..]}";
        }
        var mantissa = digits.Length == 1 ? digits : $"{digits[0]}.{digits[1..]}";
        var power = decimalPoint - 1;
        return $"{sign}{mantissa}e{(power < 0 ? "-" : "+")}{Math.Abs(power):00}";
    }
}
