using MeshClient;
using MeshClient.Xds;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MeshClient.Tests.DependencyInjection;

/// <summary>Mesh:Pilot:XdsProtocol, OnDemandEndpoints and OnDemandIdleTimeout: read, mapped and validated.</summary>
public sealed class XdsProtocolOptionsTests
{
    [Fact]
    public void The_protocol_and_on_demand_options_are_read_and_reach_the_xds_client()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Pilot:XdsProtocol"] = "delta",
            ["Mesh:Pilot:OnDemandEndpoints"] = "true",
            ["Mesh:Pilot:OnDemandIdleTimeout"] = "2m",
        });

        var options = host.Services.GetRequiredService<IOptions<MeshOptions>>().Value;
        Assert.Equal(XdsProtocol.Delta, options.Pilot.XdsProtocol);
        Assert.True(options.Pilot.OnDemandEndpoints);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Pilot.OnDemandIdleTimeout);
        var xds = options.ToXdsClientOptions();
        Assert.Equal(XdsProtocol.Delta, xds.Protocol);
        Assert.True(xds.OnDemandEndpoints);
        Assert.Equal(TimeSpan.FromMinutes(2), xds.OnDemandIdleTimeout);
        Assert.Empty(xds.Validate());
    }

    [Fact]
    public void The_defaults_are_state_of_the_world_with_every_endpoint()
    {
        var pilot = new MeshPilotOptions();
        Assert.Equal(XdsProtocol.StateOfTheWorld, pilot.XdsProtocol);
        Assert.False(pilot.OnDemandEndpoints);
        Assert.Equal(TimeSpan.FromMinutes(5), pilot.OnDemandIdleTimeout);
    }

    [Theory]
    [InlineData("Mesh:Pilot:XdsProtocol", "Incremental", "Mesh:Pilot:XdsProtocol: 'Incremental' is not one of StateOfTheWorld, Delta.")]
    [InlineData("Mesh:Pilot:OnDemandIdleTimeout", "0s", "Mesh:Pilot:OnDemandIdleTimeout: is 00:00:00; it must be positive")]
    public async Task A_bad_value_fails_start_up_naming_the_key(string key, string value, string expected)
    {
        using var host = BuildHost(new Dictionary<string, string?> { [key] = value, ["Mesh:Pilot:InitialSyncTimeout"] = "00:00:00" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delta_over_xds_v2_fails_start_up_saying_delta_is_v3_only()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Pilot:XdsProtocol"] = "Delta",
            ["Mesh:Pilot:XdsVersion"] = "V2",
            ["Mesh:Pilot:InitialSyncTimeout"] = "00:00:00",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Mesh:Pilot:XdsProtocol: Delta needs Mesh:Pilot:XdsVersion V3; MeshClient speaks incremental xDS over v3 only", error.Message, StringComparison.Ordinal);
        var xds = new XdsClientOptions { Protocol = XdsProtocol.Delta, Version = XdsVersion.V2 };
        Assert.Contains(xds.Validate(), e => e.Contains("v3 only", StringComparison.Ordinal));
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMeshDiscovery(builder.Configuration.GetSection("Mesh"));
        return builder.Build();
    }
}
