using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Transport;

public sealed class GrpcTransportOptionsTests
{
    [Theory]
    [InlineData("grpc://istio-pilot.istio-system:15010", "http://istio-pilot.istio-system:15010/")]
    [InlineData("GRPC://127.0.0.1:15010/", "http://127.0.0.1:15010/")]
    [InlineData("http://istiod.istio-system.svc:15010", "http://istiod.istio-system.svc:15010/")]
    [InlineData("https://istiod.istio-system.svc:15012", "https://istiod.istio-system.svc:15012/")]
    [InlineData("https://istiod.example.com", "https://istiod.example.com/")]
    [InlineData("grpc://[::1]:15010", "http://[::1]:15010/")]
    [InlineData("unix:///etc/istio/proxy/XDS", "http://localhost/")]
    public void Accepted_addresses_become_http_addresses(string address, string expected)
    {
        var options = new GrpcTransportOptions { Address = new Uri(address) };

        Assert.Equal(new Uri(expected), options.Validate());
    }

    [Theory]
    [InlineData("ftp://pilot:15010", "scheme 'ftp'")]
    [InlineData("tcp://pilot:15010", "scheme 'tcp'")]
    [InlineData("unix://relative/XDS", "not a Unix socket address")]
    [InlineData("grpc://istio-pilot.istio-system", "has no port")]
    [InlineData("http://pilot:15010/prefix", "path")]
    [InlineData("http://pilot:15010/?q=1", "query")]
    public void Rejected_addresses_say_why(string address, string reason)
    {
        var options = new GrpcTransportOptions { Address = new Uri(address) };

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.Contains("Address", error.Message);
        Assert.Contains(address.TrimEnd('/'), error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Relative_address_is_rejected()
    {
        var options = new GrpcTransportOptions { Address = new Uri("/pilot", UriKind.Relative) };

        Assert.Contains("not an absolute address", Assert.Throws<ArgumentException>(() => options.Validate()).Message);
    }

    [Fact]
    public void Invalid_limits_are_rejected_by_name()
    {
        var address = new Uri("grpc://pilot:15010");

        Assert.Contains("MaxReceiveMessageSize", Assert.Throws<ArgumentException>(() => new GrpcTransportOptions { Address = address, MaxReceiveMessageSize = 0 }.Validate()).Message);
        Assert.Contains("KeepAlivePingDelay", Assert.Throws<ArgumentException>(() => new GrpcTransportOptions { Address = address, KeepAlivePingDelay = TimeSpan.FromMilliseconds(500) }.Validate()).Message);
        Assert.Contains("KeepAlivePingTimeout", Assert.Throws<ArgumentException>(() => new GrpcTransportOptions { Address = address, KeepAlivePingTimeout = TimeSpan.Zero }.Validate()).Message);
        Assert.Contains("ConnectTimeout", Assert.Throws<ArgumentException>(() => new GrpcTransportOptions { Address = address, ConnectTimeout = TimeSpan.FromSeconds(-1) }.Validate()).Message);
        Assert.Contains("Deadline", Assert.Throws<ArgumentException>(() => new GrpcTransportOptions { Address = address, Deadline = TimeSpan.Zero }.Validate()).Message);
    }

    [Fact]
    public void Defaults_are_64_MiB_30_s_pings_10_s_ping_timeout_and_no_deadline()
    {
        var options = new GrpcTransportOptions { Address = new Uri("grpc://pilot:15010") };

        Assert.Equal(64 * 1024 * 1024, options.MaxReceiveMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.KeepAlivePingDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.KeepAlivePingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ConnectTimeout);
        Assert.Null(options.Deadline);
        Assert.Same(TimeProvider.System, options.TimeProvider);
        options.Validate();
        new GrpcTransportOptions { Address = options.Address, KeepAlivePingDelay = Timeout.InfiniteTimeSpan }.Validate();
    }
}
