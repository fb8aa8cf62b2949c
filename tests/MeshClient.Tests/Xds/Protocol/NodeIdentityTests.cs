using System.Net;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class NodeIdentityTests
{
    private static readonly IPAddress[] Addresses =
    [
        IPAddress.Loopback,
        IPAddress.Parse("fe80::1"),
        IPAddress.Parse("192.168.7.21"),
        IPAddress.Parse("10.0.0.9"),
    ];

    [Fact]
    public void Parts_come_from_the_environment()
    {
        var env = new Dictionary<string, string?>
        {
            ["POD_NAME"] = "reviews-v1-7f9c",
            ["POD_NAMESPACE"] = "bookinfo",
            ["INSTANCE_IP"] = "10.244.1.17",
        };

        var identity = NodeIdentity.Resolve(new XdsClientOptions(), name => env.GetValueOrDefault(name), () => "host", () => Addresses);

        Assert.Equal("sidecar~10.244.1.17~reviews-v1-7f9c.bookinfo~bookinfo.svc.cluster.local", identity.NodeId);
        Assert.Equal("bookinfo", identity.PodNamespace);
        var metadata = identity.Node.Metadata.Fields;
        Assert.Equal("bookinfo", metadata["NAMESPACE"].StringValue);
        Assert.Equal("10.244.1.17", metadata["INSTANCE_IPS"].StringValue);
        Assert.Equal("reviews-v1-7f9c", metadata["NAME"].StringValue);
        Assert.Equal("Kubernetes", metadata["CLUSTER_ID"].StringValue);
        Assert.Equal(XdsClientOptions.DefaultIstioVersion, metadata["ISTIO_VERSION"].StringValue);
        Assert.Empty(metadata["LABELS"].StructValue.Fields);
        Assert.Equal("meshclient-dotnet", identity.Node.UserAgentName);
    }

    [Fact]
    public void Missing_environment_falls_back_to_host_name_default_namespace_and_first_non_loopback_ipv4()
    {
        var identity = NodeIdentity.Resolve(new XdsClientOptions(), _ => null, () => "build-agent-3", () => Addresses);

        Assert.Equal("sidecar~192.168.7.21~build-agent-3.default~default.svc.cluster.local", identity.NodeId);
        Assert.Equal("default", identity.PodNamespace);
        Assert.Equal("192.168.7.21", identity.InstanceIp);
    }

    [Fact]
    public void Empty_environment_values_count_as_missing()
    {
        var identity = NodeIdentity.Resolve(new XdsClientOptions(), _ => "  ", () => "host-a", () => Addresses);

        Assert.Equal("sidecar~192.168.7.21~host-a.default~default.svc.cluster.local", identity.NodeId);
    }

    [Fact]
    public void Failing_lookups_never_throw()
    {
        var identity = NodeIdentity.Resolve(
            new XdsClientOptions(),
            _ => throw new System.Security.SecurityException("denied"),
            () => throw new InvalidOperationException("no host name"),
            () => throw new System.Net.NetworkInformation.NetworkInformationException());

        Assert.Equal("sidecar~127.0.0.1~localhost.default~default.svc.cluster.local", identity.NodeId);
    }

    [Fact]
    public void Only_loopback_and_ipv6_addresses_fall_back_to_127_0_0_1()
    {
        var identity = NodeIdentity.Resolve(new XdsClientOptions(), _ => null, () => "h", () => [IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("fd00::5")]);

        Assert.Equal("127.0.0.1", identity.InstanceIp);
    }

    [Fact]
    public void Options_override_the_environment()
    {
        var options = new XdsClientOptions
        {
            PodName = "p",
            PodNamespace = "ns",
            InstanceIp = "10.1.2.3",
            DnsDomain = "svc.corp.local",
            ClusterId = "east",
            IstioVersion = "1.8.6",
            Labels = new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v2" },
        };
        var env = new Dictionary<string, string?> { ["POD_NAME"] = "env-pod", ["POD_NAMESPACE"] = "env-ns", ["INSTANCE_IP"] = "10.9.9.9" };

        var identity = NodeIdentity.Resolve(options, name => env.GetValueOrDefault(name), () => "host", () => Addresses);

        Assert.Equal("sidecar~10.1.2.3~p.ns~ns.svc.corp.local", identity.NodeId);
        Assert.Equal("reviews.ns", identity.Node.Cluster);
        var metadata = identity.Node.Metadata.Fields;
        Assert.Equal("east", metadata["CLUSTER_ID"].StringValue);
        Assert.Equal("1.8.6", metadata["ISTIO_VERSION"].StringValue);
        Assert.Equal("v2", metadata["LABELS"].StructValue.Fields["version"].StringValue);
        Assert.Equal("reviews", metadata["LABELS"].StructValue.Fields["app"].StringValue);
    }

    [Fact]
    public void The_real_environment_resolves_without_throwing()
    {
        var identity = NodeIdentity.Resolve(new XdsClientOptions());

        Assert.StartsWith("sidecar~", identity.NodeId, StringComparison.Ordinal);
        Assert.True(IPAddress.TryParse(identity.InstanceIp, out _));
        Assert.EndsWith("." + XdsClientOptions.DefaultDnsDomain, identity.NodeId, StringComparison.Ordinal);
        Assert.Equal(4, identity.NodeId.Split('~').Length);
    }
}
