using Orleans.Runtime;
using Surge.Security;

namespace Surge.Tests.Security;

/// <summary>
/// A client's credentials leave the call where the access filter reads them: as Orleans serves a call, the message's
/// context is imported in an outer async flow, the filters run in nested ones, and the response takes its context from
/// the outer flow. These tests play that shape against Orleans' own <see cref="RequestContext"/>.
/// </summary>
public class CallCredentialsTests
{
    [Fact]
    public async Task Take_InANestedFilter_LeavesNoCredentialsForTheResponse()
    {
        ImportClientCall();
        try
        {
            await FilterAsync();
            // What Orleans would export into the response: only what the client sent besides its credentials.
            Assert.Null(RequestContext.Get(ClientProof.ContextKey));
            Assert.Null(RequestContext.Get(ClientProof.ApiKeyContextKey));
            Assert.Equal("00-trace", RequestContext.Get("traceparent"));
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    [Fact]
    public async Task Take_CallsTheGrainMakesAfterward_CarryNoCredentials()
    {
        ImportClientCall();
        try
        {
            var seenByGrainCall = await FilterAsync(thenGrainCall: () => RequestContext.Keys.ToList());
            Assert.Equal(["traceparent"], seenByGrainCall);
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    [Fact]
    public async Task Take_OnlyCredentials_LeavesAnEmptyContext()
    {
        RequestContextExtensions.Import(new() { [ClientProof.ContextKey] = new byte[] { 1, 2, 3 } });
        try
        {
            await FilterAsync();
            Assert.Empty(RequestContext.Entries);
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    private static void ImportClientCall()
        => RequestContextExtensions.Import(new()
        {
            [ClientProof.ContextKey] = new byte[] { 1, 2, 3 },
            [ClientProof.ApiKeyContextKey] = "a-key",
            ["traceparent"] = "00-trace",
        });

    private static async Task<List<string>> FilterAsync(Func<List<string>>? thenGrainCall = null)
    {
        await Task.Yield();
        CallCredentials.Take();
        return thenGrainCall?.Invoke() ?? [];
    }
}
