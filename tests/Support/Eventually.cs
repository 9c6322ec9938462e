namespace Surge.Testing;

/// <summary>
/// The one way a Surge test waits: for a condition, never for a length of time. It polls (every 10 ms at first,
/// backing off to 100 ms) until the condition holds, and past the timeout fails naming what it waited for and, for a
/// value, the last one seen. Compiled into both test projects (linked, one source).
/// </summary>
public static class Eventually
{
    /// <summary>Long enough for a loaded 2-core machine; a condition that holds returns at its first poll after.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(10), MaxPause = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until <paramref name="condition"/> holds; <paramref name="what"/> names it in the failure.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
        => ValueAsync(() => Task.FromResult(condition()), held => held, what, timeout);

    /// <inheritdoc cref="TrueAsync(Func{bool}, string, TimeSpan?)"/>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
        => ValueAsync(condition, held => held, what, timeout);

    /// <summary>Reads until <paramref name="done"/> accepts what was read, and returns that value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = TimeProvider.System.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (TimeProvider.System.GetElapsedTime(started) > limit)
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {what}" + (typeof(T) == typeof(bool) ? "" : $"; last seen: {Show(value)}"));
            await Task.Delay(pause);
            pause = pause * 2 < MaxPause ? pause * 2 : MaxPause;
        }
    }

    private static string Show<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable items and not string => $"[{string.Join(", ", items.Cast<object?>())}]",
        _ => value.ToString() ?? "",
    };
}
