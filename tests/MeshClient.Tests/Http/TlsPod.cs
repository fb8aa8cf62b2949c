using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace MeshClient.Tests.Http;

/// <summary>
/// A Kestrel "pod" in a STRICT-mTLS mesh: TLS with a SPIFFE certificate, a client certificate required and checked
/// against the mesh root. It answers with its id and, in headers, what the handshake carried: the client certificate's
/// thumbprint, the SNI and the ALPN protocol. It counts the TCP connections it accepts (before TLS).
/// </summary>
internal static class TlsPod
{
    private const string SniItem = "sni";

    public static async Task<(TestBackend Pod, Counter Connections)> StartAsync(
        string id,
        X509Certificate2 certificate,
        X509Certificate2 meshRoot,
        HttpProtocols protocols = HttpProtocols.Http1AndHttp2)
    {
        var connections = new Counter();
        var pod = await TestBackend.StartAsync(id, protocols, listen =>
        {
            listen.Use(next => context =>
            {
                connections.Increment();
                return next(context);
            });
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                // The selector sees the SNI the client sent; the answer reports it.
                ServerCertificateSelector = (connection, name) =>
                {
                    connection!.Items[SniItem] = name ?? "none";
                    return certificate;
                },
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (client, _, _) => ChainsTo(client, meshRoot),
            });
        });
        pod.Behaviour = AnswerWithHandshakeAsync;
        return (pod, connections);
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static async Task AnswerWithHandshakeAsync(HttpContext context, TestBackend pod)
    {
        var client = context.Connection.ClientCertificate;
        context.Response.Headers["X-Backend"] = pod.Id;
        context.Response.Headers["X-Client-Certificate"] = client?.Thumbprint ?? "none";
        context.Response.Headers["X-Sni"] = context.Features.Get<IConnectionItemsFeature>()?.Items[SniItem] as string ?? "none";
        var alpn = context.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol ?? ReadOnlyMemory<byte>.Empty;
        context.Response.Headers["X-Alpn"] = alpn.IsEmpty ? "none" : Encoding.ASCII.GetString(alpn.Span);
        context.Response.Headers["X-Protocol"] = context.Request.Protocol;
        await context.Response.WriteAsync(pod.Id, context.RequestAborted);
    }

    /// <summary>A thread-safe count that can be awaited (the server counts a connection on its own thread, maybe after the client's call ended).</summary>
    internal sealed class Counter
    {
        private readonly Lock _gate = new();
        private readonly List<(int Target, TaskCompletionSource Reached)> _waiters = [];
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Increment()
        {
            var value = Interlocked.Increment(ref _value);
            lock (_gate)
            {
                foreach (var waiter in _waiters.Where(w => value >= w.Target).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Reached.TrySetResult();
                }
            }
        }

        /// <summary>Completes once the count has reached <paramref name="target"/>.</summary>
        public Task WhenAtLeast(int target)
        {
            lock (_gate)
            {
                if (Value >= target)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((target, reached));
                return reached.Task;
            }
        }
    }
}
