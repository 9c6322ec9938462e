using Surge.Client;

namespace Surge.Tests.Docs.Snippets.EntitiesPage;

// docs/entities.md's blocks, compiled (DocsTests checks the page against these regions); never run.

static class Calls
{
    public static async Task EventsAsync(ISurgeClient surge)
    {
        // begin-snippet: entities-events
        // Entity events: handled one at a time, "finished" only after "started", whatever the arrival order.
        await surge.SubmitAsync(TaskSpec.Create("build-event").ForEntity("build/42", "build.finished", after: "build.started"));
        await surge.SubmitAsync(TaskSpec.Create("build-event").ForEntity("build/42", "build.started"));

        // Or numbered: event n of an entity waits for its event n − 1.
        await surge.SubmitAsync(TaskSpec.Create("account-event").ForEntity("account/7", sequence: 2));
        await surge.SubmitAsync(TaskSpec.Create("account-event").ForEntity("account/7", sequence: 1));
        // end-snippet
    }
}
