using Microsoft.ML.Data;

namespace Surge.Prediction.Models;

/// <summary>What the ML.NET pipelines read and write. The vector's width is set at run time from the encoder.</summary>
internal sealed class ModelInput
{
    public float[] Features = [];
}

internal sealed class TrainingInput
{
    public float[] Features = [];
    public float Label;
}

internal sealed class ModelOutput
{
    public float Score;
}

internal static class ModelSchemas
{
    public static SchemaDefinition For<T>(int width)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema[nameof(ModelInput.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }
}
