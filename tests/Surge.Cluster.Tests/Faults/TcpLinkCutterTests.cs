using System.Net;
using System.Net.Sockets;
using System.Text;
using Surge.Faults;

namespace Surge.Cluster.Tests.Faults;

public class TcpLinkCutterTests : IAsyncLifetime
{
    // Proving that nothing arrives takes a wait: long enough for loopback bytes to cross many times over.
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(5);

    private readonly EchoServer _echo = new();
    private TcpLinkCutter _link = null!;

    public Task InitializeAsync()
    {
        _link = new TcpLinkCutter("127.0.0.1", _echo.Port);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _link.DisposeAsync();
        _echo.Dispose();
    }

    [Fact]
    public async Task Forward_OpenLink_BytesFlowBothWays()
    {
        using var socket = await ConnectAsync();
        Assert.Equal("hello", await EchoAsync(socket, "hello"));
        Assert.Equal("again", await EchoAsync(socket, "again"));
    }

    [Fact]
    public async Task Cut_OpenConnection_DropsBytesWithoutClosingIt()
    {
        using var socket = await ConnectAsync();
        Assert.Equal("before", await EchoAsync(socket, "before"));

        _link.Cut();
        await socket.SendAsync(Encoding.ASCII.GetBytes("during"));
        var read = await TryReceiveAsync(socket, Silence);

        Assert.Null(read); // no bytes, and no FIN (that would be a 0-byte read) nor RST (a SocketException)
        Assert.Equal(1, _link.OpenConnections);
        await socket.SendAsync(Encoding.ASCII.GetBytes("still writable"));
    }

    [Fact]
    public async Task Cut_NewConnection_AcceptedButNothingFlows()
    {
        _link.Cut();
        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes("anyone?"));

        Assert.Null(await TryReceiveAsync(socket, Silence));
        Assert.Equal(0, _echo.Accepted); // the target never heard of it
    }

    [Fact]
    public async Task Heal_AfterCut_ResetsStalledConnectionsAndNewOnesFlow()
    {
        using var stalled = await ConnectAsync();
        Assert.Equal("before", await EchoAsync(stalled, "before"));
        _link.Cut();

        Assert.Equal(1, _link.Heal());

        var error = await Assert.ThrowsAsync<SocketException>(async () => await TryReceiveAsync(stalled, Quick));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        using var fresh = await ConnectAsync();
        Assert.Equal("after", await EchoAsync(fresh, "after"));
        Assert.False(_link.IsCut);
    }

    [Fact]
    public async Task Cut_SomeClients_OnlyTheirConnectionsStallOldAndNew()
    {
        var cutPorts = new HashSet<int>();
        using var cutOpen = await ConnectAsync();
        using var spared = await ConnectAsync();
        cutPorts.Add(((IPEndPoint)cutOpen.LocalEndPoint!).Port);
        using var cutNew = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        cutNew.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // its port is known before it connects
        cutPorts.Add(((IPEndPoint)cutNew.LocalEndPoint!).Port);

        _link.Cut(client => cutPorts.Contains(client.Port));
        await cutNew.ConnectAsync(IPAddress.Loopback, _link.Port);
        await cutOpen.SendAsync(Encoding.ASCII.GetBytes("old"));
        await cutNew.SendAsync(Encoding.ASCII.GetBytes("new"));

        Assert.Equal("spared", await EchoAsync(spared, "spared"));
        Assert.Null(await TryReceiveAsync(cutOpen, Silence));
        Assert.Null(await TryReceiveAsync(cutNew, Silence));
        Assert.Equal(2, _link.Heal());
        Assert.Equal("still", await EchoAsync(spared, "still"));
    }

    [Fact]
    public async Task Slow_OpenConnection_EveryByteArrivesLateAndInOrder()
    {
        using var socket = await ConnectAsync();
        Assert.Equal("before", await EchoAsync(socket, "before"));

        _link.Slow(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5)); // each way: the echo is 2 to 3 s late
        var sent = string.Concat(Enumerable.Range(0, 50).Select(i => $"{i:D2};"));
        foreach (var piece in sent.Chunk(3)) await socket.SendAsync(Encoding.ASCII.GetBytes(piece)); // 50 chunks, each with its own delay

        Assert.Null(await TryReceiveAsync(socket, Silence)); // late: nothing yet, and the connection open
        Assert.Equal(sent, await ReceiveAsync(socket, sent.Length)); // jitter reorders nothing, drops nothing
        Assert.Equal(1, _link.OpenConnections);
        Assert.True(_link.IsSlow);
    }

    [Fact]
    public async Task Fast_AfterSlow_BytesFlowAgain()
    {
        using var socket = await ConnectAsync();
        _link.Slow(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
        Assert.Equal("slow", await EchoAsync(socket, "slow"));

        _link.Fast();

        Assert.False(_link.IsSlow);
        Assert.Equal("fast", await EchoAsync(socket, "fast"));
        using var fresh = await ConnectAsync();
        Assert.Equal("new", await EchoAsync(fresh, "new"));
    }

    [Fact]
    public async Task ProcessConnections_ThisProcess_HoldsItsConnectionToTheLink()
    {
        using var socket = await ConnectAsync();
        Assert.Contains((((IPEndPoint)socket.LocalEndPoint!).Port, _link.Port), ProcessConnections.Of(Environment.ProcessId));
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _link.Port);
        return socket;
    }

    private static async Task<string> EchoAsync(Socket socket, string text)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(text));
        return await ReceiveAsync(socket, text.Length);
    }

    private static async Task<string> ReceiveAsync(Socket socket, int length)
    {
        var received = new StringBuilder();
        while (received.Length < length)
        {
            var chunk = await TryReceiveAsync(socket, Quick) ?? throw new TimeoutException($"no echo within {Quick} after '{received}'");
            Assert.NotEqual("", chunk); // a closed connection is not an echo
            received.Append(chunk);
        }
        return received.ToString();
    }

    /// <summary>What arrives within <paramref name="limit"/>: null if nothing, "" if the peer closed.</summary>
    private static async Task<string?> TryReceiveAsync(Socket socket, TimeSpan limit)
    {
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Echoes every byte back, on a free loopback port.</summary>
    private sealed class EchoServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private int _accepted;

        public EchoServer()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = AcceptAsync();
        }

        public int Port { get; }
        public int Accepted => Volatile.Read(ref _accepted);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync();
                    Interlocked.Increment(ref _accepted);
                    _ = EchoAsync(socket);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }

        private static async Task EchoAsync(Socket socket)
        {
            using (socket)
            {
                var buffer = new byte[1024];
                try
                {
                    int read;
                    while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                        await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
                catch (SocketException)
                {
                }
            }
        }

        public void Dispose() => _listener.Stop();
    }
}
