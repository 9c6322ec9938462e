using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;

namespace Surge.Prediction.Models;

/// <summary>
/// A trained predictor: the feature encoder, FastTree regressions of log-duration and log-memory, the margin (a
/// quantile of held-out log-duration errors) that turns the regression into a pessimistic guess for routing, and per
/// type the correction that centres the likely duration in the ×2 band (<see cref="BandCentering"/>).
/// Thread-safe: each thread predicts with its own pooled engines, so steady-state prediction allocates nothing.
/// </summary>
public sealed class SurgeModel
{
    private const string EncoderEntry = "encoder.json", DurationEntry = "duration.mlnet", MemoryEntry = "memory.mlnet", InfoEntry = "model.json";

    [ThreadStatic] private static Engines? t_engines;

    private readonly MLContext _ml;
    private readonly ITransformer _duration;
    private readonly ITransformer _memory;

    internal SurgeModel(MLContext ml, ModelInfo info, FeatureEncoder encoder, ITransformer duration, ITransformer memory)
    {
        _ml = ml;
        Info = info;
        Encoder = encoder;
        _duration = duration;
        _memory = memory;
    }

    /// <summary>What the model file says about itself: version, rows trained on, routing margin, centring.</summary>
    public ModelInfo Info { get; }

    /// <summary>The version every prediction of this model carries (<see cref="TaskPrediction.ModelVersion"/>).</summary>
    public string Version => Info.Version;

    internal FeatureEncoder Encoder { get; }

    /// <summary>
    /// The model's guess for one task. <see cref="TaskPrediction.Confident"/> is false for a type the model never saw:
    /// its encoding is then the overall mean, and <see cref="ModelPredictor"/> asks the baseline instead.
    /// </summary>
    public TaskPrediction Predict(string type, ReadOnlySpan<Feature> features)
    {
        var engines = t_engines;
        if (engines is null || !ReferenceEquals(engines.Model, this)) t_engines = engines = new Engines(this);
        Encoder.Encode(type, features, engines.Input.Features);
        engines.Duration.Predict(engines.Input, ref engines.Output);
        double logDuration = engines.Output.Score;
        engines.Memory.Predict(engines.Input, ref engines.Output);
        double logMemory = engines.Output.Score;
        // Routing's pessimistic guess stays on the regression the margin was measured on; the likely one is centred.
        var duration = Likely(type, logDuration);
        return new TaskPrediction(
            duration,
            Math.Max(duration, Math.Exp(logDuration + Info.DurationMargin) - 1),
            Math.Max(0, Math.Exp(logMemory) - 1),
            Encoder.KnowsType(type),
            Info.Version);
    }

    // The regression fits the mean of log(1 + duration); the guess most often within 2× of what happens is its
    // centred version, or for a type whose features do not help, one duration for all its tasks.
    private double Likely(string type, double logDuration)
    {
        if (Info.DurationConstant is { } constants && constants.TryGetValue(type, out var constant)) return constant;
        var duration = Math.Max(0, Math.Exp(logDuration) - 1);
        return Info.DurationShift is { } shifts && shifts.TryGetValue(type, out var shift) ? duration * Math.Exp(shift) : duration;
    }

    /// <summary>Writes the model as one zip (info, encoder and both regressions) that <see cref="Load(Stream, string)"/> reads.</summary>
    public void Save(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        Write(zip, InfoEntry, s => JsonSerializer.Serialize(s, Info));
        Write(zip, EncoderEntry, s => JsonSerializer.Serialize(s, Encoder));
        var schema = _ml.Data.LoadFromEnumerable(Array.Empty<TrainingInput>(), ModelSchemas.For<TrainingInput>(Encoder.Width)).Schema;
        Write(zip, DurationEntry, s => _ml.Model.Save(_duration, schema, s));
        Write(zip, MemoryEntry, s => _ml.Model.Save(_memory, schema, s));
    }

    /// <summary>Writes the model to a file, replacing it; see <see cref="Save(Stream)"/>.</summary>
    public void Save(string path)
    {
        using var file = File.Create(path);
        Save(file);
    }

    /// <summary>Loads a model file; throws <see cref="InvalidDataException"/> naming what is wrong with it.</summary>
    public static SurgeModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file {path} does not exist; train one with 'surge train'", path);
        using var file = File.OpenRead(path);
        return Load(file, path);
    }

    /// <summary>
    /// Reads a model written by <see cref="Save(Stream)"/>; throws <see cref="InvalidDataException"/> naming
    /// <paramref name="name"/> when the stream is not one.
    /// </summary>
    public static SurgeModel Load(Stream stream, string name = "model")
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var ml = new MLContext(seed: 1);
            // A "null" document reads as null: said here, not as a NullReferenceException at the first prediction.
            var info = Read(zip, InfoEntry, s => JsonSerializer.Deserialize<ModelInfo>(s)) ?? throw new InvalidDataException($"{InfoEntry} is null");
            var encoder = Read(zip, EncoderEntry, s => JsonSerializer.Deserialize<FeatureEncoder>(s)) ?? throw new InvalidDataException($"{EncoderEntry} is null");
            var duration = Read(zip, DurationEntry, s => ml.Model.Load(Buffered(s), out _));
            var memory = Read(zip, MemoryEntry, s => ml.Model.Load(Buffered(s), out _));
            return new SurgeModel(ml, info, encoder, duration, memory);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{name} is not a Surge model file ({e.Message}); train one with 'surge train'", e);
        }
    }

    private static void Write(ZipArchive zip, string entry, Action<Stream> write)
    {
        using var s = zip.CreateEntry(entry, CompressionLevel.Fastest).Open();
        write(s);
    }

    private static T Read<T>(ZipArchive zip, string entry, Func<Stream, T> read)
    {
        using var s = (zip.GetEntry(entry) ?? throw new KeyNotFoundException($"entry {entry} is missing")).Open();
        return read(s);
    }

    // ML.NET seeks in the stream it loads; zip entry streams cannot seek.
    private static MemoryStream Buffered(Stream s)
    {
        var copy = new MemoryStream();
        s.CopyTo(copy);
        copy.Position = 0;
        return copy;
    }

    private sealed class Engines
    {
        public readonly SurgeModel Model;
        public readonly PredictionEngine<ModelInput, ModelOutput> Duration;
        public readonly PredictionEngine<ModelInput, ModelOutput> Memory;
        public readonly ModelInput Input;
        public ModelOutput Output = new();

        public Engines(SurgeModel model)
        {
            Model = model;
            var schema = ModelSchemas.For<ModelInput>(model.Encoder.Width);
            Duration = model._ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model._duration, inputSchemaDefinition: schema);
            Memory = model._ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model._memory, inputSchemaDefinition: schema);
            Input = new ModelInput { Features = new float[model.Encoder.Width] };
        }
    }
}

/// <summary>What a model file says about itself.</summary>
/// <param name="Version">The model's version, as <see cref="TaskPrediction.ModelVersion"/> reports it.</param>
/// <param name="Rows">History rows the trees were trained on (the held-back calibration rows not counted).</param>
/// <param name="TrainedAt">When training ran.</param>
/// <param name="DurationMargin">Log-margin added to the regression to get the pessimistic duration routing uses.</param>
/// <param name="DurationShift">Per type, the log of the factor that centres the likely duration in the ×2 band; null in older files.</param>
/// <param name="DurationConstant">Per type, the one likely duration (ms) of all its tasks, where that beats the regression; null in older files.</param>
public sealed record ModelInfo(string Version, int Rows, double DurationMargin, DateTimeOffset TrainedAt,
    Dictionary<string, double>? DurationShift = null, Dictionary<string, double>? DurationConstant = null);
