using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using MeshClient;
using MeshClient.Grpc;
using MeshClient.Resilience;

namespace MeshClient.Tests.Grpc;

public sealed class MeshGrpcChannelDefaultsTests
{
    [Fact]
    public void Retries_unavailable_on_every_method_with_one_attempt_more_than_Mesh_Retry_allows()
    {
        var retry = RetrySettings.FromOptions(new MeshRetryOptions { OnSame = 1, OnNext = 2, Backoff = MeshRetryBackoff.Exponential, BackoffMin = TimeSpan.FromMilliseconds(50), BackoffMax = TimeSpan.FromSeconds(2) });

        var config = MeshGrpcChannelDefaults.RetryServiceConfig(retry)!;

        var method = Assert.Single(config.MethodConfigs);
        var name = Assert.Single(method.Names);
        Assert.Null(name.Service);
        Assert.Null(name.Method);
        var policy = method.RetryPolicy!;
        Assert.Equal(4, policy.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(50), policy.InitialBackoff);
        Assert.Equal(TimeSpan.FromSeconds(2), policy.MaxBackoff);
        Assert.Equal(2, policy.BackoffMultiplier);
        Assert.Equal([StatusCode.Unavailable], policy.RetryableStatusCodes);
    }

    [Fact]
    public void Zero_backoff_becomes_the_shortest_backoff_gRPC_accepts_and_stays_constant()
    {
        var config = MeshGrpcChannelDefaults.RetryServiceConfig(RetrySettings.FromOptions(new MeshRetryOptions { Backoff = MeshRetryBackoff.Zero }))!;

        var policy = Assert.Single(config.MethodConfigs).RetryPolicy!;
        Assert.Equal(2, policy.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(1), policy.InitialBackoff);
        Assert.Equal(TimeSpan.FromMilliseconds(1), policy.MaxBackoff);
        Assert.Equal(1, policy.BackoffMultiplier);
    }

    [Fact]
    public void No_retry_policy_when_retries_are_off()
    {
        Assert.Null(MeshGrpcChannelDefaults.RetryServiceConfig(RetrySettings.FromOptions(new MeshRetryOptions { Enabled = false })));
    }

    [Fact]
    public void Fills_in_only_what_the_options_leave_unset()
    {
        var retry = RetrySettings.FromOptions(new MeshRetryOptions());
        var empty = new GrpcChannelOptions();
        MeshGrpcChannelDefaults.Apply(empty, retry);
        Assert.Same(ChannelCredentials.Insecure, empty.Credentials);
        Assert.NotNull(empty.ServiceConfig);

        var own = new ServiceConfig();
        var given = new GrpcChannelOptions { Credentials = ChannelCredentials.SecureSsl, ServiceConfig = own };
        MeshGrpcChannelDefaults.Apply(given, retry);
        Assert.Same(ChannelCredentials.SecureSsl, given.Credentials);
        Assert.Same(own, given.ServiceConfig);
    }
}
