using System.Net;
using System.Net.Sockets;

namespace Serverless.IntegrationTests.Hosting;

/// <summary>A loopback TCP forwarder: a region endpoint that can be "down" (nothing listening on its port) and
/// come up later, forwarding to a real Azurite. Stops its listener and connections when disposed.</summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener listener;
    private volatile int targetPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private CancellationTokenSource connections = new();
    private volatile bool cut;

    private TcpForwarder(int port, int targetPort)
    {
        this.targetPort = targetPort;
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> and forwards each connection to <paramref name="targetPort"/>.</summary>
    public static TcpForwarder Start(int port, int targetPort) => new(port, targetPort);

    /// <summary>Sends new connections to <paramref name="port"/> from now on (a region replaced behind the same
    /// endpoint); connections already open stay with the old target.</summary>
    public void Retarget(int port) => targetPort = port;

    /// <summary>The region becomes unreachable at once: open connections are closed (nothing sent on them is delivered
    /// later, unlike a stopped process's socket buffers) and new ones are closed as they arrive, until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        cut = true;
        var old = Interlocked.Exchange(ref connections, new CancellationTokenSource());
        old.Cancel();
        old.Dispose();
    }

    /// <summary>Forwards new connections again.</summary>
    public void Restore() => cut = false;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var target = new TcpClient(AddressFamily.InterNetwork))
        {
            if (cut) return;
            try
            {
                using var ended = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token, connections.Token);
                await target.ConnectAsync(IPAddress.Loopback, targetPort, ended.Token);
                var inbound = client.GetStream().CopyToAsync(target.GetStream(), ended.Token);
                var outbound = target.GetStream().CopyToAsync(client.GetStream(), ended.Token);
                await Task.WhenAny(inbound, outbound);
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
            {
                // A connection that ends badly ends; the client sees it closed.
            }
        }
    }
}
