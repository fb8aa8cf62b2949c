using System.Globalization;
using System.Net;
using MeshClient.Xds;

namespace MeshClient;

/// <summary>The checks of <c>Mesh:Pilot</c> (address, protocol, timeouts, limits) and of the node identity sent to it.</summary>
internal sealed partial class MeshOptionsValidator
{
    private void ValidatePilot(List<string> errors, MeshOptions options)
    {
        var pilot = options.Pilot;
        Uri? uri = null;
        if (string.IsNullOrWhiteSpace(pilot.Address))
        {
            Fail(errors, "Pilot:Address", "is empty: give Pilot's xDS address, such as grpc://istiod.istio-system:15010");
        }
        else if (!Uri.TryCreate(pilot.Address, UriKind.Absolute, out uri) || uri.Scheme is not ("grpc" or "http" or "https" or "unix"))
        {
            Fail(errors, "Pilot:Address", $"'{pilot.Address}' is not a grpc://, http://, https:// or unix:// address");
        }
        else if (uri.Scheme == "unix")
        {
            if (uri.Host.Length != 0 || uri.AbsolutePath.Length < 2 || uri.Query.Length != 0 || uri.Fragment.Length != 0)
            {
                Fail(errors, "Pilot:Address", $"'{pilot.Address}' is not a Unix socket address; write unix:///absolute/path, such as unix:///etc/istio/proxy/XDS");
            }
        }
        else if (string.IsNullOrEmpty(uri.Host))
        {
            Fail(errors, "Pilot:Address", $"'{pilot.Address}' has no host");
        }
        else if (uri.Scheme == "grpc" && uri.IsDefaultPort)
        {
            Fail(errors, "Pilot:Address", $"'{pilot.Address}' has no port; Pilot's plaintext xDS port is usually 15010");
        }

        ValidatePilotSecurity(errors, pilot, uri?.Scheme);
        if (!Enum.IsDefined(pilot.XdsVersion))
        {
            Fail(errors, "Pilot:XdsVersion", $"'{pilot.XdsVersion}' is not V2 or V3");
        }

        if (!Enum.IsDefined(pilot.XdsProtocol))
        {
            Fail(errors, "Pilot:XdsProtocol", $"'{pilot.XdsProtocol}' is not StateOfTheWorld or Delta");
        }
        else if (pilot.XdsProtocol == XdsProtocol.Delta && pilot.XdsVersion == XdsVersion.V2)
        {
            Fail(errors, "Pilot:XdsProtocol", $"Delta needs {_section}:Pilot:XdsVersion V3; MeshClient speaks incremental xDS over v3 only");
        }

        Positive(errors, "Pilot:OnDemandIdleTimeout", pilot.OnDemandIdleTimeout);

        if (pilot.InitialSyncTimeout < TimeSpan.Zero)
        {
            Fail(errors, "Pilot:InitialSyncTimeout", $"is {Format(pilot.InitialSyncTimeout)}; it must not be negative");
        }

        Positive(errors, "Pilot:ResourceTimeout", pilot.ResourceTimeout);
        Positive(errors, "Pilot:ReconnectInitialBackoff", pilot.ReconnectInitialBackoff);
        if (double.IsNaN(pilot.ReconnectBackoffMultiplier) || pilot.ReconnectBackoffMultiplier < 1 || double.IsInfinity(pilot.ReconnectBackoffMultiplier))
        {
            Fail(errors, "Pilot:ReconnectBackoffMultiplier", $"is {pilot.ReconnectBackoffMultiplier.ToString(CultureInfo.InvariantCulture)}; it must be at least 1");
        }

        if (pilot.ReconnectMaxBackoff < pilot.ReconnectInitialBackoff)
        {
            Fail(errors, "Pilot:ReconnectMaxBackoff", $"is {Format(pilot.ReconnectMaxBackoff)}; it must be at least {_section}:Pilot:ReconnectInitialBackoff ({Format(pilot.ReconnectInitialBackoff)})");
        }

        if (pilot.Limits is not { } limits)
        {
            Fail(errors, "Pilot:Limits", "must not be null");
        }
        else
        {
            AtLeast(errors, "Pilot:Limits:MaxResponseBytes", limits.MaxResponseBytes, 1);
            AtLeast(errors, "Pilot:Limits:MaxClusters", limits.MaxClusters, 1);
            AtLeast(errors, "Pilot:Limits:MaxEndpointsPerCluster", limits.MaxEndpointsPerCluster, 1);
            AtLeast(errors, "Pilot:Limits:MaxTotalEndpoints", limits.MaxTotalEndpoints, 1);
            AtLeast(errors, "Pilot:Limits:MaxLabelsPerEndpoint", limits.MaxLabelsPerEndpoint, 1);
            AtLeast(errors, "Pilot:Limits:MaxLabelLength", limits.MaxLabelLength, 1);
        }

        var node = options.Node;
        NodePart(errors, "Node:PodName", node.PodName);
        NodePart(errors, "Node:PodNamespace", node.PodNamespace);
        if (node.InstanceIp is { } ip && !IPAddress.TryParse(ip, out _))
        {
            Fail(errors, "Node:InstanceIp", $"'{ip}' is not an IP address");
        }

        if (string.IsNullOrWhiteSpace(node.ClusterId))
        {
            Fail(errors, "Node:ClusterId", "is empty");
        }
    }

    private void NodePart(List<string> errors, string key, string? value)
    {
        if (value is not null && (string.IsNullOrWhiteSpace(value) || value.Contains('~', StringComparison.Ordinal)))
        {
            Fail(errors, key, $"'{value}' must not be empty or contain '~' (it is part of the node id)");
        }
    }
}
