using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Surge.Faults;

/// <summary>
/// A TCP proxy on a free loopback port that forwards to a target and can cut the link the way a broken network does:
/// <see cref="Cut"/> drops bytes in both directions and keeps every connection open (no FIN, no RST), and connections
/// opened during the cut are accepted but go nowhere. Point a client at <see cref="Endpoint"/> instead of the target.
/// <see cref="Cut(Func{IPEndPoint, bool})"/> cuts only the connections from some clients, told apart by their end of
/// the connection (e.g. a process's connections, <see cref="ProcessConnections"/>). <see cref="Slow"/> makes the link slow
/// instead: every chunk arrives late, in order, and nothing is lost, until <see cref="Fast"/>.
/// </summary>
/// <remarks>
/// <see cref="Heal"/> resets (RST) every connection that lived through the cut and forwards connections opened after
/// it. Resuming them is not an option: the bytes dropped during the cut are gone, so the protocol on such a
/// connection is out of step; a real link's TCP would have retransmitted or, past its timeouts, reset it. A client
/// that recovers by itself (StackExchange.Redis reconnects) sees exactly that reset.
/// Bytes already read from one side when <see cref="Cut"/> is called may still be delivered (they were on the wire);
/// nothing read after it is.
/// </remarks>
public sealed class TcpLinkCutter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly EndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Link> _links = [];
    private readonly Task _accepting;
    private volatile bool _cut;
    private Func<IPEndPoint, bool>? _cutClients; // null while cut: every client
    private long _minDelayTicks, _maxDelayTicks; // Stopwatch ticks; both 0 while the link is fast

    public TcpLinkCutter(string targetHost, int targetPort)
    {
        _target = IPAddress.TryParse(targetHost, out var ip) ? new IPEndPoint(ip, targetPort) : new DnsEndPoint(targetHost, targetPort);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The loopback port clients connect to.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, e.g. a Redis connection string through the link.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public bool IsCut => _cut;

    /// <summary>Connections open now, stalled or not.</summary>
    public int OpenConnections { get { lock (_gate) return _links.Count; } }

    /// <summary>From now on nothing flows, on open connections and new ones; none is closed.</summary>
    public void Cut() => Cut(null);

    /// <summary>
    /// From now on nothing flows on the connections whose client end matches <paramref name="clients"/>, open now or
    /// opened until <see cref="Heal"/>; the others flow on. Null: every connection, as <see cref="Cut()"/>.
    /// </summary>
    public void Cut(Func<IPEndPoint, bool>? clients)
    {
        lock (_gate)
        {
            _cut = true;
            _cutClients = clients;
            foreach (var link in _links) link.Stalled |= IsCutFor(link);
        }
    }

    public bool IsSlow => Interlocked.Read(ref _maxDelayTicks) > 0;

    /// <summary>
    /// From now on every chunk read from either side, on open connections and new ones, is sent on
    /// <paramref name="min"/> to <paramref name="max"/> (uniformly) after it was read, as on a long or congested wire:
    /// reading goes on meanwhile, order is kept (a chunk never overtakes the one read before it), nothing is dropped and
    /// no connection is closed. <see cref="Fast"/> ends it; chunks already on their way still arrive when due.
    /// </summary>
    public void Slow(TimeSpan min, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(min, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        Interlocked.Exchange(ref _minDelayTicks, Ticks(min));
        Interlocked.Exchange(ref _maxDelayTicks, Ticks(max));
    }

    /// <summary>Chunks read from now on are sent at once (after any still on their way).</summary>
    public void Fast()
    {
        Interlocked.Exchange(ref _maxDelayTicks, 0);
        Interlocked.Exchange(ref _minDelayTicks, 0);
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private long Delay()
    {
        long min = Interlocked.Read(ref _minDelayTicks), max = Interlocked.Read(ref _maxDelayTicks);
        return max <= 0 ? 0 : min + (long)(Random.Shared.NextDouble() * (max - min));
    }

    /// <summary>Resets every connection that lived through the cut; connections opened from now on forward again.</summary>
    /// <returns>How many connections were reset.</returns>
    public int Heal()
    {
        List<Link> stalled;
        lock (_gate)
        {
            _cut = false;
            _cutClients = null;
            stalled = _links.Where(l => l.Stalled).ToList();
        }
        foreach (var link in stalled) Close(link, reset: true);
        return stalled.Count;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        List<Link> links;
        lock (_gate) links = [.. _links];
        foreach (var link in links) Close(link, reset: true);
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RunAsync(client);
        }
    }

    private async Task RunAsync(Socket client)
    {
        var link = new Link(client);
        lock (_gate)
        {
            link.Stalled = IsCutFor(link); // a broken network lets nothing through: the target never hears of this connection
            _links.Add(link);
        }
        try
        {
            if (link.Stalled)
            {
                await DrainAsync(client); // until Heal resets it, or the client gives up
                return;
            }
            var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            link.Upstream = upstream;
            await upstream.ConnectAsync(_target, _stop.Token);
            await Task.WhenAll(PumpAsync(link, client, upstream), PumpAsync(link, upstream, client));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A reset or a stop: the link's end.
        }
        finally
        {
            Close(link, reset: false);
        }
    }

    // Forwards until either side closes; while the link is stalled, reads and drops. Each chunk read goes on the wire
    // with its due time (now, or later while the link is slow), and a sender writes it when due: reading never waits
    // for a slow chunk, so a slow link adds latency, not a bound on throughput.
    private async Task PumpAsync(Link link, Socket from, Socket to)
    {
        var wire = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var sending = SendAsync(wire.Reader, to);
        try
        {
            var due = 0L;
            while (true)
            {
                var buffer = new byte[16 * 1024]; // one per chunk: it may wait on the wire while the next is read
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (sending.IsFaulted) break; // the other side is gone: its error ends the link
                if (link.Stalled)
                {
                    if (read == 0) await Task.Delay(Timeout.Infinite, link.Closed.Token); // a FIN does not cross a cut link either
                    continue;
                }
                due = Math.Max(due, Stopwatch.GetTimestamp() + Delay()); // in order, as TCP delivers
                wire.Writer.TryWrite(new Chunk(buffer, read, due)); // 0 bytes: the FIN, sent after what came before it
                if (read == 0) break;
            }
        }
        finally
        {
            wire.Writer.TryComplete();
        }
        await sending;
    }

    private static async Task SendAsync(ChannelReader<Chunk> wire, Socket to)
    {
        await foreach (var chunk in wire.ReadAllAsync())
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), chunk.Due);
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            if (chunk.Count == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }
            await to.SendAsync(chunk.Bytes.AsMemory(0, chunk.Count), SocketFlags.None);
        }
    }

    private readonly record struct Chunk(byte[] Bytes, int Count, long Due);

    private static async Task DrainAsync(Socket client)
    {
        var buffer = new byte[16 * 1024];
        while (await client.ReceiveAsync(buffer, SocketFlags.None) > 0)
        {
        }
    }

    private bool IsCutFor(Link link) => _cut && (_cutClients is null || (link.ClientEnd is { } end && _cutClients(end)));

    private void Close(Link link, bool reset)
    {
        lock (_gate)
        {
            if (!_links.Remove(link)) return;
        }
        link.Closed.Cancel();
        foreach (var socket in new[] { link.Client, link.Upstream })
        {
            if (socket is null) continue;
            try
            {
                if (reset) socket.LingerState = new LingerOption(true, 0); // close sends RST, as a timed-out TCP would
                socket.Close();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private sealed class Link(Socket client)
    {
        public Socket Client { get; } = client;
        public IPEndPoint? ClientEnd { get; } = client.RemoteEndPoint as IPEndPoint; // read once: a closed socket has none
        public Socket? Upstream { get; set; }
        public CancellationTokenSource Closed { get; } = new();
        public volatile bool Stalled;
    }
}
