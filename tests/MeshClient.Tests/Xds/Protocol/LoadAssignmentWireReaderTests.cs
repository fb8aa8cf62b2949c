using System.Collections.Immutable;
using CsCheck;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Endpoint;
using XdsEndpoint = MeshClient.Xds.Protos.Endpoint.Endpoint;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>
/// The fast EDS reader gives exactly what the generated parser and <see cref="EndpointResourceDecoder.ToEndpoints"/>
/// give, or gives up: never a different endpoint, never an accepted resource the slow path rejects.
/// </summary>
public sealed class LoadAssignmentWireReaderTests
{
    private static readonly XdsResourceLimits Limits = new() { MaxLabelsPerEndpoint = 4, MaxLabelLength = 12 };

    [Fact]
    public void An_istio_shaped_assignment_is_read_fast_and_equals_the_generated_path()
    {
        var assignment = Assignment("outbound|9080||reviews.default.svc.cluster.local", Pod("10.0.0.1", 9080, ("app", "reviews"), ("version", "v1")), Pod("10.0.0.2", 9080, ("app", "reviews"), ("version", "v2")));
        assignment.Endpoints[0].LbEndpoints[1].HealthStatus = HealthStatus.Draining;
        assignment.Endpoints[0].LbEndpoints[1].LoadBalancingWeight = 7;
        assignment.Endpoints[0].LbEndpoints[0].Metadata.FilterMetadata["envoy.lb"] = Strings(("version", "overridden"), ("canary", "yes"));

        Assert.True(LoadAssignmentWireReader.TryRead(assignment.ToByteArray(), Limits, new EndpointInterner(), out var name, out var fast));

        Assert.Equal(assignment.ClusterName, name);
        AssertSame(Slow(assignment), fast);
        Assert.Equal("v1", fast[0].Labels["version"]);
        Assert.Equal("yes", fast[0].Labels["canary"]);
        Assert.Equal(EndpointHealth.Draining, fast[1].Health);
        Assert.Equal(7u, fast[1].Weight);
    }

    [Fact]
    public void Equal_labels_localities_and_pods_of_one_response_are_shared_objects()
    {
        var interner = new EndpointInterner();
        var all = Assignment("outbound|9080||reviews.default.svc.cluster.local", Pod("10.0.0.1", 9080, ("app", "reviews")), Pod("10.0.0.2", 9080, ("app", "reviews")));
        var subset = Assignment("outbound|9080|v1|reviews.default.svc.cluster.local", Pod("10.0.0.1", 9080, ("app", "reviews")));

        Assert.True(LoadAssignmentWireReader.TryRead(all.ToByteArray(), Limits, interner, out _, out var first));
        Assert.True(LoadAssignmentWireReader.TryRead(subset.ToByteArray(), Limits, interner, out _, out var second));

        Assert.Same(first[0], second[0]);
        Assert.Same(first[0].Labels, first[1].Labels);
        Assert.Same(first[0].Locality, first[1].Locality);
        Assert.Same(first[0].Placement, first[1].Placement);
    }

    [Fact]
    public void Label_sets_with_the_same_keys_share_one_key_array_on_both_paths()
    {
        var assignment = Assignment("c", Pod("10.0.0.1", 80, ("app", "a"), ("version", "v1")), Pod("10.0.0.2", 80, ("app", "a"), ("version", "v2")), Pod("10.0.0.3", 80, ("app", "a")));

        Assert.True(LoadAssignmentWireReader.TryRead(assignment.ToByteArray(), Limits, new EndpointInterner(), out _, out var fast));
        var slow = EndpointResourceDecoder.ToEndpoints(assignment, "test", Limits, new HashSet<string>(), new EndpointInterner());

        foreach (var endpoints in new[] { fast, slow })
        {
            Assert.NotSame(endpoints[0].Labels, endpoints[1].Labels);
            Assert.Same(endpoints[0].OwnLabels.KeyArray, endpoints[1].OwnLabels.KeyArray);
            Assert.Equal(["v1", "v2"], endpoints.Take(2).Select(e => e.Labels["version"]));
            Assert.Equal(["app"], endpoints[2].Labels.Keys);
            Assert.False(endpoints[2].Labels.ContainsKey("version"));
        }
    }

    [Fact]
    public void Addresses_that_are_not_canonical_ipv4_are_read_fast_and_kept_as_sent()
    {
        var assignment = Assignment("c", Pod("10.0.0.7", 80), Pod("010.0.0.7", 80), Pod("fe80::7", 80), Pod("reviews-0.example", 80), Pod("10.0.0.7", 80));
        assignment.Endpoints[0].LbEndpoints[4].LoadBalancingWeight = 3;

        Assert.True(LoadAssignmentWireReader.TryRead(assignment.ToByteArray(), Limits, new EndpointInterner(), out _, out var fast));

        AssertSame(Slow(assignment), fast);
        Assert.Equal(["10.0.0.7", "010.0.0.7", "fe80::7", "reviews-0.example", "10.0.0.7"], fast.Select(e => e.Address));
        Assert.Equal([1u, 1u, 1u, 1u, 3u], fast.Select(e => e.Weight));
        Assert.NotSame(fast[0], fast[4]);
    }

    [Theory]
    [InlineData("pipe")]
    [InlineData("endpoint_name")]
    [InlineData("named_port")]
    [InlineData("port_zero")]
    [InlineData("too_many_labels")]
    [InlineData("label_too_long")]
    [InlineData("empty_address")]
    public void What_the_fast_reader_cannot_take_goes_to_the_generated_path(string kind)
    {
        var assignment = Assignment("c", Pod("10.0.0.1", 80, ("app", "a")));
        var lb = assignment.Endpoints[0].LbEndpoints[0];
        switch (kind)
        {
            case "pipe":
                lb.Endpoint.Address = new Address { Pipe = new Pipe { Path = "/tmp/sock" } };
                break;
            case "endpoint_name":
                lb.EndpointName = "named";
                break;
            case "named_port":
                lb.Endpoint.Address.SocketAddress.NamedPort = "http";
                break;
            case "port_zero":
                lb.Endpoint.Address.SocketAddress.PortValue = 0;
                break;
            case "too_many_labels":
                lb.Metadata.FilterMetadata["envoy.lb"] = Strings(("a", "1"), ("b", "2"), ("c", "3"), ("d", "4"));
                break;
            case "label_too_long":
                lb.Metadata.FilterMetadata["envoy.lb"] = Strings(("a", new string('x', 13)));
                break;
            default:
                lb.Endpoint.Address.SocketAddress.Address = " ";
                break;
        }

        Assert.False(LoadAssignmentWireReader.TryRead(assignment.ToByteArray(), Limits, new EndpointInterner(), out _, out _));
    }

    [Fact]
    public void A_label_key_twice_in_one_struct_goes_to_the_generated_path_which_keeps_the_last()
    {
        // Struct { version: v1, version: v2 } as raw map entries (a parsed Struct would keep only one).
        var labels = Strings(("version", "v1")).ToByteArray().Concat(Strings(("version", "v2")).ToByteArray()).ToArray();
        var istio = Message((1, Message((1, "labels"u8.ToArray()), (2, Message((5, labels))))));
        var metadata = Message((1, Message((1, "istio"u8.ToArray()), (2, istio))));
        var endpoint = new LbEndpoint { Endpoint = new XdsEndpoint { Address = new Address { SocketAddress = new SocketAddress { Address = "10.0.0.1", PortValue = 80 } } } };
        var lb = endpoint.ToByteArray().Concat(Message((3, metadata))).ToArray();
        var bytes = Message((1, "c"u8.ToArray()), (2, Message((2, lb))));

        Assert.False(LoadAssignmentWireReader.TryRead(bytes, Limits, new EndpointInterner(), out _, out _));
        Assert.Equal("v2", Slow(ClusterLoadAssignment.Parser.ParseFrom(bytes))[0].Labels["version"]);
    }

    [Fact]
    public void Random_assignments_and_byte_mutations_of_them_read_fast_only_to_what_the_generated_path_gives()
    {
        var label = Gen.Select(Gen.OneOf("app", "version", "zone", "x"), Gen.OneOf("v1", "v2", "a-long-value!", string.Empty), Gen.Bool);
        var pod = Gen.Select(Gen.Int[1, 3], Gen.Int[0, 70000], label.Array[0, 3], label.Array[0, 3], Gen.Int[0, 6], Gen.UInt[0, 3]);
        var mutation = Gen.Select(Gen.Int[0, 1000], Gen.Byte).Array[0, 3];
        Gen.Select(pod.Array[1, 4], Gen.UInt[0, 2], mutation).Sample((pods, priority, mutations) =>
        {
            var assignment = new ClusterLoadAssignment { ClusterName = "c" };
            var group = new LocalityLbEndpoints { Locality = new Locality { Region = "r", Zone = "z" }, Priority = priority, LoadBalancingWeight = priority };
            foreach (var (host, port, envoyLb, istio, health, weight) in pods)
            {
                var lb = new LbEndpoint
                {
                    Endpoint = new XdsEndpoint { Address = new Address { SocketAddress = new SocketAddress { Address = $"10.0.0.{host}", PortValue = (uint)port } } },
                    HealthStatus = (HealthStatus)health,
                    Metadata = new Metadata(),
                };
                if (weight > 0)
                {
                    lb.LoadBalancingWeight = weight;
                }

                lb.Metadata.FilterMetadata["envoy.lb"] = Mixed(envoyLb);
                lb.Metadata.FilterMetadata["istio"] = new Struct { Fields = { ["labels"] = Value.ForStruct(Mixed(istio)), ["workload"] = Value.ForList(Value.ForNumber(1), Value.ForBool(true)) } };
                group.LbEndpoints.Add(lb);
            }

            assignment.Endpoints.Add(group);
            var bytes = assignment.ToByteArray();
            foreach (var (at, value) in mutations)
            {
                bytes[at % bytes.Length] = value;
            }

            if (!LoadAssignmentWireReader.TryRead(bytes, Limits, new EndpointInterner(), out var name, out var fast))
            {
                return;
            }

            var parsed = ClusterLoadAssignment.Parser.ParseFrom(bytes);
            Assert.Equal(parsed.ClusterName, name);
            AssertSame(Slow(parsed), fast);
        }, iter: 3000);
    }

    private static byte[] Message(params (int Field, byte[] Bytes)[] fields)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        foreach (var (field, bytes) in fields)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(bytes));
        }

        output.Flush();
        return stream.ToArray();
    }

    private static ImmutableArray<MeshEndpoint> Slow(ClusterLoadAssignment assignment) =>
        EndpointResourceDecoder.ToEndpoints(assignment, "test", Limits, new HashSet<string>());

    private static void AssertSame(ImmutableArray<MeshEndpoint> expected, ImmutableArray<MeshEndpoint> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(ClusterContent.Equal(expected[i], actual[i]), $"endpoint {i}: expected {expected[i]} {string.Join(",", expected[i].Labels)}, read {actual[i]} {string.Join(",", actual[i].Labels)}");
        }
    }

    private static ClusterLoadAssignment Assignment(string name, params LbEndpoint[] endpoints)
    {
        var group = new LocalityLbEndpoints { Locality = new Locality { Region = "us-east1", Zone = "us-east1-a" }, LoadBalancingWeight = 3 };
        group.LbEndpoints.AddRange(endpoints);
        return new ClusterLoadAssignment { ClusterName = name, Endpoints = { group } };
    }

    private static LbEndpoint Pod(string address, uint port, params (string Key, string Value)[] labels) => new()
    {
        Endpoint = new XdsEndpoint { Address = new Address { SocketAddress = new SocketAddress { Address = address, PortValue = port } } },
        HealthStatus = HealthStatus.Healthy,
        Metadata = new Metadata
        {
            FilterMetadata =
            {
                ["istio"] = new Struct { Fields = { ["labels"] = Value.ForStruct(Strings(labels)), ["workload"] = Value.ForString("w;ns") } },
                ["envoy.transport_socket_match"] = Strings(("tlsMode", "istio")),
            },
        },
    };

    private static Struct Strings(params (string Key, string Value)[] fields)
    {
        var result = new Struct();
        foreach (var (key, value) in fields)
        {
            result.Fields[key] = Value.ForString(value);
        }

        return result;
    }

    private static Struct Mixed((string Key, string Value, bool IsString)[] fields)
    {
        var result = new Struct();
        foreach (var (key, value, isString) in fields)
        {
            result.Fields[key] = isString ? Value.ForString(value) : Value.ForNumber(value.Length);
        }

        return result;
    }
}
