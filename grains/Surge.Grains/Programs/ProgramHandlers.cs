using Microsoft.Extensions.Options;
using Surge.Policies;
using Surge.Workers;

namespace Surge.Programs;

/// <summary>A handler for each program configured under <c>Surge:Programs</c>, under its type's time limits.</summary>
internal sealed class ProgramHandlers(IOptions<ProgramsOptions> programs, IOptions<TaskPoliciesOptions> policies, ProgramHost host, TimeProvider time,
    ProgramRuns runs) : IHandlerSource
{
    public string Section => ProgramsOptions.Section;

    public IEnumerable<(string Type, ITaskHandler Handler)> Handlers()
        => programs.Value.Types.Select(p => (p.Key, (ITaskHandler)new ProgramHandler(p.Key, p.Value, policies.Value.For(p.Key), host, time, runs)));
}
