namespace MeshClient.Testing;

/// <summary>The <c>error_detail</c> of a NACK.</summary>
/// <param name="Code">The gRPC status code (3 is INVALID_ARGUMENT).</param>
/// <param name="Message">The message, which should name the resource and the problem.</param>
public sealed record RecordedErrorDetail(int Code, string Message);
