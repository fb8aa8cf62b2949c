using MeshClient.Routing;

namespace MeshClient.Http;

/// <summary>
/// A call through the mesh handler that could not be routed: its host is not a mesh service and unknown hosts are
/// configured to fail (<see cref="Failure"/> is <see cref="RouteFailure.ServiceNotFound"/>), or the service has no
/// endpoint that may take the call. The message names the service and the reason.
/// </summary>
public sealed class MeshRoutingException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="service">The service (the request's host) that could not be routed.</param>
    /// <param name="failure">Why there is no endpoint.</param>
    /// <param name="message">The message, naming the service and the reason.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public MeshRoutingException(string service, RouteFailure failure, string message, Exception? innerException = null)
        : base(HttpRequestError.Unknown, message, innerException)
    {
        Service = service;
        Failure = failure;
    }

    /// <summary>Creates the exception with a default message.</summary>
    public MeshRoutingException()
        : this(string.Empty, RouteFailure.ServiceNotFound, "The call could not be routed through the mesh.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public MeshRoutingException(string message)
        : this(string.Empty, RouteFailure.ServiceNotFound, message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The underlying error.</param>
    public MeshRoutingException(string message, Exception? innerException)
        : this(string.Empty, RouteFailure.ServiceNotFound, message, innerException)
    {
    }

    /// <summary>The service (the request's host, optionally with its port) that could not be routed.</summary>
    public string Service { get; }

    /// <summary>Why there is no endpoint.</summary>
    public RouteFailure Failure { get; }
}
