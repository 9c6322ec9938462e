using Microsoft.Extensions.Options;

namespace Surge.Samples.Worker;

/// <summary>Where thumbnails go. Scoped, like a DbContext: each run gets its own.</summary>
public interface IThumbnailStore
{
    /// <summary>Which store this is, numbered from 1 in the order the worker created them.</summary>
    int Instance { get; }

    /// <summary>Writes the thumbnail and says where.</summary>
    Task<string> SaveAsync(string name, Thumbnail thumbnail, CancellationToken cancellationToken);
}

/// <summary><c>Samples:Thumbnails</c>: the folder thumbnails are written to.</summary>
public sealed class ThumbnailStoreOptions
{
    public const string Section = "Samples:Thumbnails";

    /// <summary>Default: surge-thumbnails in the temporary folder (in the chart's pods, /tmp is the writable volume).</summary>
    public string Directory { get; set; } = Path.Combine(Path.GetTempPath(), "surge-thumbnails");
}

/// <summary>How many stores the worker has created: a singleton, so the scoped stores can number themselves.</summary>
public sealed class ThumbnailStoreCount
{
    private int _created;

    public int Next() => Interlocked.Increment(ref _created);
}

/// <summary>Writes each thumbnail as a binary PGM file, <c>{name}-{width}x{height}.pgm</c>, into one folder.</summary>
public sealed partial class FileThumbnailStore : IThumbnailStore
{
    private readonly string _directory;

    public FileThumbnailStore(IOptions<ThumbnailStoreOptions> options, ThumbnailStoreCount count, ILogger<FileThumbnailStore> logger)
    {
        _directory = options.Value.Directory;
        Instance = count.Next();
        LogOpened(logger, Instance);
    }

    public int Instance { get; }

    public async Task<string> SaveAsync(string name, Thumbnail thumbnail, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, $"{FileStem(name)}-{thumbnail.Width}x{thumbnail.Height}.pgm");
        await using var file = File.Create(path);
        await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"P5\n{thumbnail.Width} {thumbnail.Height}\n255\n"), cancellationToken);
        await file.WriteAsync(thumbnail.Pixels, cancellationToken);
        return path;
    }

    // The name comes from whoever submitted the task: only its last segment, and only characters a file name may hold.
    private static string FileStem(string name)
    {
        var stem = Path.GetFileNameWithoutExtension(Path.GetFileName(name.Replace('\\', '/')));
        var invalid = Path.GetInvalidFileNameChars();
        stem = new string([.. stem.Select(c => invalid.Contains(c) ? '_' : c)]);
        return stem.Length == 0 || stem.Trim('.').Length == 0 ? "thumbnail" : stem;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Thumbnail store #{Store} created")]
    private static partial void LogOpened(ILogger logger, int store);
}

public static class ThumbnailStoreExtensions
{
    /// <summary>The store, scoped (one per run: Surge resolves handlers from a scope of each run's own), and its options.</summary>
    public static IHostApplicationBuilder AddThumbnailStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ThumbnailStoreOptions>().BindConfiguration(ThumbnailStoreOptions.Section);
        builder.Services.AddSingleton<ThumbnailStoreCount>();
        builder.Services.AddScoped<IThumbnailStore, FileThumbnailStore>();
        return builder;
    }
}
