using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Transport;

public sealed class GrpcStatusMappingTests
{
    private static readonly Uri Address = new("http://istiod.istio-system.svc:15010/");

    [Theory]
    [InlineData(200, (int)GrpcStatusCode.Unknown)] // a real OK carries grpc-status
    [InlineData(400, (int)GrpcStatusCode.Internal)]
    [InlineData(401, (int)GrpcStatusCode.Unauthenticated)]
    [InlineData(403, (int)GrpcStatusCode.PermissionDenied)]
    [InlineData(404, (int)GrpcStatusCode.Unimplemented)]
    [InlineData(429, (int)GrpcStatusCode.Unavailable)]
    [InlineData(502, (int)GrpcStatusCode.Unavailable)]
    [InlineData(503, (int)GrpcStatusCode.Unavailable)]
    [InlineData(504, (int)GrpcStatusCode.Unavailable)]
    [InlineData(415, (int)GrpcStatusCode.Unknown)]
    public void Http_status_without_grpc_status_follows_the_protocol_table(int httpStatus, int expectedCode)
    {
        Assert.Equal((GrpcStatusCode)expectedCode, GrpcStatusMapping.FromHttpStatus((HttpStatusCode)httpStatus));
    }

    [Fact]
    public void Status_and_decoded_message_are_read_from_headers()
    {
        using var response = new HttpResponseMessage();
        response.TrailingHeaders.TryAddWithoutValidation("grpc-status", "3");
        response.TrailingHeaders.TryAddWithoutValidation("grpc-message", "bad%20type%20URL");

        Assert.True(GrpcStatusMapping.TryReadStatus(response.TrailingHeaders, out var status));
        Assert.Equal(new GrpcStatus(GrpcStatusCode.InvalidArgument, "bad type URL"), status);
        Assert.False(GrpcStatusMapping.TryReadStatus(response.Headers, out _));
    }

    [Fact]
    public void Connection_failure_is_Unavailable_naming_the_address_and_the_cause()
    {
        var exception = new HttpRequestException(
            HttpRequestError.ConnectionError, "Connection refused (istiod:15010)", new SocketException((int)SocketError.ConnectionRefused));

        var failure = GrpcStatusMapping.FromException(exception, Address);

        Assert.Equal(GrpcStatusCode.Unavailable, failure.StatusCode);
        Assert.Contains("Failed to connect to http://istiod.istio-system.svc:15010/", failure.Detail);
        Assert.Contains("Connection refused", failure.Detail);
        Assert.Same(exception, failure.InnerException);
    }

    [Fact]
    public void Broken_connection_during_the_call_is_Unavailable()
    {
        var failure = GrpcStatusMapping.FromException(new IOException("The response ended prematurely."), Address);

        Assert.Equal(GrpcStatusCode.Unavailable, failure.StatusCode);
        Assert.Contains("ended prematurely", failure.Detail);
    }

    [Theory]
    [InlineData(0x0, (int)GrpcStatusCode.Internal)]
    [InlineData(0x1, (int)GrpcStatusCode.Internal)]
    [InlineData(0x7, (int)GrpcStatusCode.Unavailable)]
    [InlineData(0x8, (int)GrpcStatusCode.Cancelled)]
    [InlineData(0xB, (int)GrpcStatusCode.ResourceExhausted)]
    [InlineData(0xC, (int)GrpcStatusCode.PermissionDenied)]
    public void Http2_error_codes_follow_the_protocol_table(long errorCode, int expectedCode)
    {
        Assert.Equal((GrpcStatusCode)expectedCode, GrpcStatusMapping.FromHttp2ErrorCode(errorCode));
    }

    [Fact]
    public void Invalid_grpc_status_is_Unknown_and_keeps_the_message()
    {
        var headers = new HttpResponseMessage().TrailingHeaders;
        headers.TryAddWithoutValidation("grpc-status", "-1");
        headers.TryAddWithoutValidation("grpc-message", "oops");

        Assert.True(GrpcStatusMapping.TryReadStatus(headers, out var status));
        Assert.Equal(GrpcStatusCode.Unknown, status.Code);
        Assert.Contains("'-1'", status.Detail);
        Assert.Contains("oops", status.Detail);
    }

    [Fact]
    public void Status_without_message_has_an_empty_detail()
    {
        HttpHeaders headers = new HttpResponseMessage().Headers;
        headers.TryAddWithoutValidation("grpc-status", "0");

        Assert.True(GrpcStatusMapping.TryReadStatus(headers, out var status));
        Assert.Equal(new GrpcStatus(GrpcStatusCode.OK, ""), status);
    }
}
