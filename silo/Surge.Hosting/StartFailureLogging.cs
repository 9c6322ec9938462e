using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Surge.Hosting;

/// <summary>
/// The host's and Orleans' own reports of a failed start, each an Error with the exception's whole trace, go out at
/// Debug when the failure is one a line says better (<see cref="StartFailures"/>): the exception still reaches whoever
/// started the host (<see cref="SurgeRunExtensions.RunSurgeAsync"/>, the CLI), which prints that line. Anything else,
/// and every other entry, is logged as it was.
/// </summary>
internal sealed class StartFailureLogging(ILoggerFactory inner) : ILoggerFactory
{
    // The entries that report a failed start, by category and event id: the host's "Hosting failed to start", and
    // Orleans' "'X' failed to start", "Lifecycle start canceled" and "Exception during Silo.Start".
    private static readonly Dictionary<string, int> StartFailureEvents = new(StringComparer.Ordinal)
    {
        ["Microsoft.Extensions.Hosting.Internal.Host"] = 11,
        ["Orleans.Runtime.SiloLifecycleSubject"] = 100450,
        ["Orleans.Runtime.Silo"] = 100439,
    };

    /// <summary>Wraps the logger factory <paramref name="services"/> has; once, however often it is called.</summary>
    public static void AddTo(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(Marker))) return;
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerFactory) && !d.IsKeyedService);
        if (registered is null) return; // no logging: nothing logs the failure twice
        services.AddSingleton<Marker>();
        services.Remove(registered);
        services.AddSingleton<ILoggerFactory>(sp => new StartFailureLogging(Create(sp, registered)));
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return StartFailureEvents.TryGetValue(categoryName, out var eventId) ? new Demoting(logger, eventId) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose(); // flushes the console's queue: created here, so disposed here

    // The factory as it was registered: the host's own (LoggerFactory, built as the container would), or another's.
    private static ILoggerFactory Create(IServiceProvider sp, ServiceDescriptor registered)
        => registered.ImplementationInstance as ILoggerFactory
           ?? registered.ImplementationFactory?.Invoke(sp) as ILoggerFactory
           ?? (registered.ImplementationType == typeof(LoggerFactory)
               ? new LoggerFactory(sp.GetServices<ILoggerProvider>(), sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
                   sp.GetService<IOptions<LoggerFactoryOptions>>(), sp.GetService<IExternalScopeProvider>())
               : (ILoggerFactory)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!));

    private sealed class Marker;

    private sealed class Demoting(ILogger inner, int startFailure) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == startFailure && exception is not null && StartFailures.AreSaid(exception)) logLevel = LogLevel.Debug;
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
