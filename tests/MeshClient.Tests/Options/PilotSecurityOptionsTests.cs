using System.Security.Cryptography.X509Certificates;
using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MeshClient.Tests.Options;

/// <summary>
/// Mesh:Pilot's TLS and token options: read from configuration, checked by MeshOptionsValidator (files exist and
/// parse, fit the address, come in pairs), mapped to the transport with the in-pod defaults, and used by
/// AddMeshDiscovery against a FakePilot on TLS with a token.
/// </summary>
public sealed class PilotSecurityOptionsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly PilotTestPki _pki = new();
    private readonly X509Certificate2 _ca = PilotTestPki.CreateCa("mesh root");

    public void Dispose()
    {
        _ca.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task Add_mesh_discovery_syncs_with_pilot_over_tls_with_a_token_from_configuration()
    {
        await using var pilot = await FakePilot.StartAsync(new FakePilotOptions
        {
            ServerCertificate = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName),
            RequiredToken = "sa-token",
        });
        pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Pilot:Address"] = pilot.Address.ToString(),
            ["Mesh:Pilot:CaFile"] = _pki.WriteCertificates("root-cert.pem", _ca),
            ["Mesh:Pilot:ServerName"] = PilotTestPki.IstiodName,
            ["Mesh:Pilot:TokenFile"] = _pki.WriteText("istio-token", "sa-token"),
            ["Mesh:Pilot:InitialSyncTimeout"] = "00:00:20",
        });

        await host.StartAsync().WaitAsync(Bound);

        var options = host.Services.GetRequiredService<IOptions<MeshOptions>>().Value;
        Assert.Empty(options.ConfigurationWarnings);
        Assert.Equal(MeshConnectionState.Synced, host.Services.GetRequiredService<MeshRegistry>().ConnectionState);
        Assert.Equal(["sa-token"], pilot.ReceivedTokens);
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public void Every_file_option_is_a_configuration_key()
    {
        using var client = PilotTestPki.Issue(_ca, "app.default.svc");
        var (ca, cert, key, token) = (_pki.WriteCertificates("ca.pem", _ca), _pki.WriteCertificates("cert.pem", client), _pki.WriteKey("key.pem", client), _pki.WriteText("token", "t"));
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Pilot:Address"] = "https://istiod.istio-system.svc:15012",
            ["Mesh:Pilot:CaFile"] = ca,
            ["Mesh:Pilot:ServerName"] = "istiod.istio-system.svc",
            ["Mesh:Pilot:ClientCertificateFile"] = cert,
            ["Mesh:Pilot:ClientKeyFile"] = key,
            ["Mesh:Pilot:TokenFile"] = token,
        });

        var options = host.Services.GetRequiredService<IOptions<MeshOptions>>().Value;
        var pilot = options.Pilot;

        Assert.Empty(options.ConfigurationWarnings);
        Assert.Equal((ca, "istiod.istio-system.svc", cert, key, token), (pilot.CaFile, pilot.ServerName, pilot.ClientCertificateFile, pilot.ClientKeyFile, pilot.TokenFile));
        var transport = options.ToTransportOptions(TimeProvider.System);
        Assert.Equal((ca, "istiod.istio-system.svc", cert, key, token), (transport.CaFile, transport.ServerName, transport.ClientCertificateFile, transport.ClientKeyFile, transport.TokenFile));
    }

    [Fact]
    public void Defaults_apply_to_https_when_the_files_exist()
    {
        var options = new MeshOptions { Pilot = { Address = "https://istiod.istio-system.svc:15012" } };

        var present = options.ToTransportOptions(TimeProvider.System, _ => true);
        var absent = options.ToTransportOptions(TimeProvider.System, _ => false);

        Assert.Equal(MeshPilotOptions.DefaultCaFile, present.CaFile);
        Assert.Equal(MeshPilotOptions.DefaultTokenFile, present.TokenFile);
        Assert.Null(absent.CaFile);
        Assert.Null(absent.TokenFile);
    }

    [Theory]
    [InlineData("grpc://istiod.istio-system:15010")]
    [InlineData("unix:///etc/istio/proxy/XDS")]
    public void Defaults_do_not_apply_to_plaintext_or_the_agents_socket(string address)
    {
        var options = new MeshOptions { Pilot = { Address = address } };

        var transport = options.ToTransportOptions(TimeProvider.System, _ => true);

        Assert.Null(transport.CaFile);
        Assert.Null(transport.TokenFile);
        transport.Validate();
    }

    [Fact]
    public void Empty_turns_a_default_off_and_explicit_files_win()
    {
        var options = new MeshOptions { Pilot = { Address = "https://pilot:15012", CaFile = "", TokenFile = "/custom/token", ServerName = " istiod.istio-system.svc " } };

        var transport = options.ToTransportOptions(TimeProvider.System, _ => true);

        Assert.Null(transport.CaFile);
        Assert.Equal("/custom/token", transport.TokenFile);
        Assert.Equal("istiod.istio-system.svc", transport.ServerName);
    }

    [Fact]
    public void An_empty_value_in_configuration_turns_the_default_file_off()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Pilot:Address"] = "https://istiod.istio-system.svc:15012",
            ["Mesh:Pilot:CaFile"] = "",
            ["Mesh:Pilot:TokenFile"] = "",
        });

        var transport = host.Services.GetRequiredService<IOptions<MeshOptions>>().Value.ToTransportOptions(TimeProvider.System, _ => true);

        Assert.Null(transport.CaFile);
        Assert.Null(transport.TokenFile);
    }

    [Fact]
    public void Missing_files_are_named_with_their_key()
    {
        var missing = Path.Combine(_pki.Directory, "missing.pem");
        var options = new MeshOptions
        {
            Pilot = { Address = "https://pilot:15012", CaFile = missing, TokenFile = missing, ClientCertificateFile = missing, ClientKeyFile = missing },
        };

        var errors = Validate(options);

        Assert.Contains($"Mesh:Pilot:CaFile: the file '{missing}' does not exist.", errors, StringComparison.Ordinal);
        Assert.Contains($"Mesh:Pilot:TokenFile: the file '{missing}' does not exist.", errors, StringComparison.Ordinal);
        Assert.Contains($"Mesh:Pilot:ClientCertificateFile: the file '{missing}' does not exist.", errors, StringComparison.Ordinal);
        Assert.Contains($"Mesh:Pilot:ClientKeyFile: the file '{missing}' does not exist.", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_that_do_not_parse_are_named_without_their_content()
    {
        using var client = PilotTestPki.Issue(_ca, "app.default.svc");
        using var other = PilotTestPki.Issue(_ca, "other.default.svc");
        var options = new MeshOptions
        {
            Pilot =
            {
                Address = "https://pilot:15012",
                CaFile = _pki.WriteText("not-a-ca.pem", "hello"),
                ClientCertificateFile = _pki.WriteCertificates("cert.pem", client),
                ClientKeyFile = _pki.WriteKey("other-key.pem", other),
            },
        };

        var errors = Validate(options);

        Assert.Contains("Mesh:Pilot:CaFile: the CA file", errors, StringComparison.Ordinal);
        Assert.Contains("holds no PEM certificate", errors, StringComparison.Ordinal);
        Assert.Contains("Mesh:Pilot:ClientCertificateFile: the client certificate", errors, StringComparison.Ordinal);
        Assert.DoesNotContain(PilotTestPki.KeyMaterial(other), errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("grpc://pilot:15010", "CaFile", "Mesh:Pilot:CaFile: applies to https:// Pilot addresses only")]
    [InlineData("grpc://pilot:15010", "TokenFile", "Mesh:Pilot:TokenFile: a token is never sent in clear text")]
    [InlineData("https://pilot:15012", "ClientCertificateFile", "Mesh:Pilot:ClientKeyFile: is missing")]
    [InlineData("https://pilot:15012", "ClientKeyFile", "Mesh:Pilot:ClientCertificateFile: is missing")]
    [InlineData("unix://relative/XDS", null, "Mesh:Pilot:Address: 'unix://relative/XDS' is not a Unix socket address")]
    public void Options_that_do_not_fit_are_refused(string address, string? option, string expected)
    {
        var file = _pki.WriteText("some-file", "x");
        var pilot = new MeshPilotOptions { Address = address };
        typeof(MeshPilotOptions).GetProperty(option ?? nameof(MeshPilotOptions.ServerName))!.SetValue(pilot, option is null ? null : file);

        Assert.Contains(expected, Validate(new MeshOptions { Pilot = pilot }), StringComparison.Ordinal);
    }

    [Fact]
    public void The_agents_socket_address_with_no_files_is_valid()
    {
        Assert.Equal(string.Empty, Validate(new MeshOptions { Pilot = { Address = "unix:///etc/istio/proxy/XDS" } }));
    }

    private static string Validate(MeshOptions options) =>
        new MeshOptionsValidator("Mesh").Validate(null, options) is { Failed: true } result ? result.FailureMessage : string.Empty;

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMeshDiscovery(builder.Configuration.GetSection("Mesh"));
        return builder.Build();
    }
}
