namespace Surge.Tasks;

/// <summary>The grain storage provider Surge's records live in: memory on embedded defaults, Redis in cluster mode.</summary>
public static class SurgeStorage
{
    public const string Name = "surge";
}
