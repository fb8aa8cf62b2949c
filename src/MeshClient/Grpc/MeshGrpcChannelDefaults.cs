using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using MeshClient.Resilience;

namespace MeshClient.Grpc;

/// <summary>
/// What an <c>xds:///</c> channel gets unless its options say otherwise: plaintext credentials (Pilot names pod
/// addresses; give <see cref="GrpcChannelOptions.Credentials"/> for TLS), and a retry policy from <c>Mesh:Retry</c>
/// for calls answered UNAVAILABLE (a pod that died or drains), so Grpc.Net.Client retries them on the next pick.
/// </summary>
internal static class MeshGrpcChannelDefaults
{
    /// <summary>The shortest backoff Grpc.Net.Client accepts stands in for Mesh:Retry:Backoff Zero.</summary>
    private static readonly TimeSpan ShortestBackoff = TimeSpan.FromMilliseconds(1);

    /// <summary>Fills in the credentials and the service config, when unset.</summary>
    public static void Apply(GrpcChannelOptions options, RetrySettings retry)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(retry);
        options.Credentials ??= ChannelCredentials.Insecure;
        options.ServiceConfig ??= RetryServiceConfig(retry);
    }

    /// <summary>A service config retrying every method on UNAVAILABLE as <c>Mesh:Retry</c> says; <see langword="null"/> when retries are off.</summary>
    public static ServiceConfig? RetryServiceConfig(RetrySettings retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        if (retry.MaxRetryAttempts == 0)
        {
            return null;
        }

        var initial = retry.Backoff == MeshRetryBackoff.Zero || retry.BackoffMin < ShortestBackoff ? ShortestBackoff : retry.BackoffMin;
        var max = retry.Backoff is MeshRetryBackoff.Jittered or MeshRetryBackoff.Exponential && retry.BackoffMax > initial ? retry.BackoffMax : initial;
        return new ServiceConfig
        {
            MethodConfigs =
            {
                new MethodConfig
                {
                    Names = { MethodName.Default },
                    RetryPolicy = new RetryPolicy
                    {
                        MaxAttempts = 1 + retry.MaxRetryAttempts,
                        InitialBackoff = initial,
                        MaxBackoff = max,
                        BackoffMultiplier = retry.Backoff == MeshRetryBackoff.Exponential ? 2 : 1,
                        RetryableStatusCodes = { StatusCode.Unavailable },
                    },
                },
            },
        };
    }
}
