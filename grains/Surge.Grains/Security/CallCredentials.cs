namespace Surge.Security;

/// <summary>
/// Takes a client's credentials out of the request context of the call being served. They are for the silo that first
/// sees the call: never passed on to the calls the grain makes, and never sent back.
/// </summary>
/// <remarks>
/// Orleans builds the response's request context from the context as it stood before any filter ran: a filter's
/// <see cref="RequestContext.Remove"/> replaces the context of its own async flow only, so the credentials (a proof
/// is about 100 bytes) were copied, serialized and sent back to the client with every answer, for nothing. The
/// context of a call served here is a dictionary of its own, made from the message, and
/// <see cref="RequestContext.Entries"/> is that dictionary: taken out of it, the credentials are gone for the grain's
/// calls and for the response alike. Should a later Orleans hand out something else, <see cref="RequestContext.Remove"/>
/// still keeps them from the grain's calls (<c>CallCredentialsTests</c> would fail then).
/// </remarks>
internal static class CallCredentials
{
    public static void Take()
    {
        if (RequestContext.Entries is Dictionary<string, object> values)
        {
            values.Remove(ClientProof.ApiKeyContextKey);
            values.Remove(ClientProof.ContextKey);
            return;
        }
        RequestContext.Remove(ClientProof.ApiKeyContextKey);
        RequestContext.Remove(ClientProof.ContextKey);
    }
}
