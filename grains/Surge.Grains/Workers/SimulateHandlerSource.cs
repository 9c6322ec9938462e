using Microsoft.Extensions.Options;

namespace Surge.Workers;

/// <summary>
/// The built-in <c>simulate</c> handler, on a silo whose <see cref="WorkerOptions.Simulate"/> is on; absent otherwise.
/// It makes a silo sleep and hold memory on a client's say, which is for demos, tests and benchmarks only.
/// </summary>
internal sealed class SimulateHandlerSource(IOptions<WorkerOptions> workers, TimeProvider time) : IHandlerSource
{
    public string Section => $"{WorkerOptions.Section}:Simulate";

    public IEnumerable<(string Type, ITaskHandler Handler)> Handlers()
        => workers.Value.Simulate == true ? [(SimulateHandler.TypeName, new SimulateHandler(time))] : [];
}
