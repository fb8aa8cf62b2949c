namespace MeshClient;

/// <summary>Sidecar mode: where calls go when the Envoy sidecar balances (go-micro's <c>client_call_address</c>).</summary>
public sealed class MeshSidecarOptions
{
    /// <summary>
    /// The call address: <c>:PORT</c> joins the service name with dots replaced by dashes (<c>go.micro.api.sample</c> with
    /// <c>:9080</c> calls <c>go-micro-api-sample:9080</c>); any other value is a fixed address. <see langword="null"/>: <c>:</c> plus the request's port.
    /// </summary>
    public string? CallAddress { get; set; }

    /// <summary>Whether <c>.NAMESPACE</c> is appended to a derived host. Default <see langword="false"/>.</summary>
    public bool AppendNamespace { get; set; }
}
