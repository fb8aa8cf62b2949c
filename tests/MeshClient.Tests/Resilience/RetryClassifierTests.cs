using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using MeshClient.Resilience;

namespace MeshClient.Tests.Resilience;

public sealed class RetryClassifierTests
{
    // As SocketsHttpHandler reports a refused connection.
    private static readonly HttpRequestException Refused = new(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));

    // A socket error after the request was (partly) sent is not a connection failure: the endpoint may have seen it.
    private static readonly HttpRequestException ResetWhileSending = new("reset", new SocketException((int)SocketError.ConnectionReset), null);
    private static readonly HttpRequestException Reset = new(HttpRequestError.ResponseEnded, "response ended");

    [Theory]
    [InlineData("GET", HttpStatusCode.BadGateway, true)]
    [InlineData("GET", HttpStatusCode.ServiceUnavailable, true)]
    [InlineData("PUT", HttpStatusCode.GatewayTimeout, true)]
    [InlineData("GET", HttpStatusCode.InternalServerError, false)]
    [InlineData("GET", HttpStatusCode.NotFound, false)]
    [InlineData("POST", HttpStatusCode.ServiceUnavailable, false)]
    public void Http_responses_retry_only_idempotent_methods_on_gateway_failures(string method, HttpStatusCode status, bool expected)
    {
        using var response = new HttpResponseMessage(status);
        Assert.Equal(expected, RetryClassifier.MayRetry(CallKind.Http, Request(new HttpMethod(method)), retryNonIdempotent: false, response, null));
    }

    [Fact]
    public void Connection_failures_retry_idempotent_methods_and_post_only_when_allowed()
    {
        Assert.True(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Get), false, null, Refused));
        Assert.False(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Post), false, null, Refused));
        Assert.True(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Post), true, null, Refused));
        Assert.False(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Get), false, null, Reset));
        Assert.False(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Get), false, null, ResetWhileSending));
    }

    [Fact]
    public void A_response_is_retried_only_when_the_body_can_be_sent_again()
    {
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        Assert.True(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Put, new StringContent("{}")), false, unavailable, null));
        Assert.True(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Put, new ReadOnlyMemoryContent(new byte[] { 1 })), false, unavailable, null));
        using var multipart = new MultipartFormDataContent { new StringContent("a"), new ByteArrayContent([1]) };
        Assert.True(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Put, multipart), false, unavailable, null));

        // A stream body was read by the first attempt: the 503 goes back to the caller as it is.
        Assert.False(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Put, new StreamContent(new UnseekableStream())), false, unavailable, null));
        using var streamPart = new MultipartFormDataContent { new StringContent("a"), new StreamContent(new UnseekableStream()) };
        Assert.False(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Put, streamPart), false, unavailable, null));

        // A refused connection never read the body.
        Assert.True(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Put, new StreamContent(new UnseekableStream())), false, null, Refused));
    }

    [Theory]
    [InlineData("GET", false, true)]
    [InlineData("PUT", false, true)]
    [InlineData("POST", false, false)]
    [InlineData("PATCH", false, false)]
    [InlineData("POST", true, true)]
    public void Plain_http_calls_that_can_never_be_retried_skip_the_retry_pipeline(string method, bool retryNonIdempotent, bool expected)
    {
        Assert.Equal(expected, RetryClassifier.MayEverRetry(CallKind.Http, new HttpMethod(method), retryNonIdempotent));
        Assert.True(RetryClassifier.MayEverRetry(CallKind.GrpcUnary, HttpMethod.Post, false));
        Assert.False(RetryClassifier.MayEverRetry(CallKind.GrpcStreaming, HttpMethod.Post, true));
    }

    [Fact]
    public void Grpc_unary_retries_on_connection_failure_and_trailers_only_unavailable()
    {
        Assert.True(RetryClassifier.MayRetry(CallKind.GrpcUnary, Request(HttpMethod.Post), false, null, Refused));
        using var unavailable = new HttpResponseMessage(HttpStatusCode.OK);
        unavailable.Headers.TryAddWithoutValidation("grpc-status", "14");
        Assert.True(RetryClassifier.MayRetry(CallKind.GrpcUnary, Request(HttpMethod.Post), false, unavailable, null));
        using var internalError = new HttpResponseMessage(HttpStatusCode.OK);
        internalError.Headers.TryAddWithoutValidation("grpc-status", "13");
        Assert.False(RetryClassifier.MayRetry(CallKind.GrpcUnary, Request(HttpMethod.Post), false, internalError, null));
        using var ok = new HttpResponseMessage(HttpStatusCode.OK);
        Assert.False(RetryClassifier.MayRetry(CallKind.GrpcUnary, Request(HttpMethod.Post), false, ok, null));
    }

    [Fact]
    public void Grpc_unary_retries_on_a_connection_lost_before_its_response_which_plain_http_does_not()
    {
        Assert.True(RetryClassifier.MayRetry(CallKind.GrpcUnary, Request(HttpMethod.Post), false, null, ResetWhileSending));
        Assert.False(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Post), true, null, ResetWhileSending));
        Assert.False(RetryClassifier.MayRetry(CallKind.GrpcUnary, Request(HttpMethod.Post), false, null, new TaskCanceledException("timeout")));
    }

    [Fact]
    public void Grpc_streaming_is_never_retried()
    {
        Assert.False(RetryClassifier.MayRetry(CallKind.GrpcStreaming, Request(HttpMethod.Post), true, null, Refused));
    }

    [Fact]
    public void Classifies_grpc_by_content_type_and_replayability()
    {
        using var plain = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/");
        Assert.Equal(CallKind.Http, RetryClassifier.Classify(plain));

        using var unary = new HttpRequestMessage(HttpMethod.Post, "http://reviews:9080/svc/Method") { Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        unary.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        Assert.Equal(CallKind.GrpcUnary, RetryClassifier.Classify(unary));

        using var streaming = new HttpRequestMessage(HttpMethod.Post, "http://reviews:9080/svc/Stream") { Content = new StreamContent(new UnseekableStream()) };
        streaming.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        Assert.Equal(CallKind.GrpcStreaming, RetryClassifier.Classify(streaming));
    }

    [Fact]
    public void Endpoint_failures_are_5xx_and_for_grpc_a_trailers_only_unavailable()
    {
        using var error = new HttpResponseMessage(HttpStatusCode.InternalServerError);
        using var notFound = new HttpResponseMessage(HttpStatusCode.NotFound);
        using var unavailable = new HttpResponseMessage(HttpStatusCode.OK);
        unavailable.Headers.TryAddWithoutValidation("grpc-status", "14");
        Assert.True(RetryClassifier.IsEndpointFailure(CallKind.Http, error));
        Assert.False(RetryClassifier.IsEndpointFailure(CallKind.Http, notFound));
        Assert.False(RetryClassifier.IsEndpointFailure(CallKind.Http, unavailable));
        Assert.True(RetryClassifier.IsEndpointFailure(CallKind.GrpcUnary, unavailable));
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("HEAD", true)]
    [InlineData("OPTIONS", true)]
    [InlineData("PUT", true)]
    [InlineData("DELETE", true)]
    [InlineData("TRACE", true)]
    [InlineData("POST", false)]
    [InlineData("PATCH", false)]
    [InlineData("CONNECT", false)]
    public void Idempotent_methods_are_those_of_rfc_9110(string method, bool expected)
    {
        Assert.Equal(expected, RetryClassifier.IsIdempotent(new HttpMethod(method)));
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(expected, RetryClassifier.MayRetry(CallKind.Http, Request(new HttpMethod(method)), false, unavailable, null));
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError, true)]
    [InlineData(HttpRequestError.NameResolutionError, true)]
    [InlineData(HttpRequestError.SecureConnectionError, true)]
    [InlineData(HttpRequestError.ResponseEnded, false)]
    [InlineData(HttpRequestError.Unknown, false)]
    [InlineData(HttpRequestError.ProxyTunnelError, false)]
    public void Connection_failures_are_errors_before_the_request_reached_the_endpoint(HttpRequestError error, bool expected)
    {
        var exception = new HttpRequestException(error, "failed");
        Assert.Equal(expected, RetryClassifier.IsConnectionFailure(exception));
        Assert.Equal(expected, RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Get), false, null, exception));
        Assert.False(RetryClassifier.IsConnectionFailure(new IOException("failed")));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    [InlineData(HttpStatusCode.OK, false)]
    public void Grpc_unary_retries_a_gateway_failure_without_a_grpc_status(HttpStatusCode status, bool expected)
    {
        // A proxy in the path answers 502/503/504 without any gRPC status: the call never reached a gRPC server.
        using var response = new HttpResponseMessage(status);
        Assert.Equal(expected, RetryClassifier.MayRetry(CallKind.GrpcUnary, Request(HttpMethod.Post), false, response, null));
    }

    [Theory]
    [InlineData("14", true)]
    [InlineData("13", false)]
    [InlineData("0", false)]
    [InlineData(" 14", false)]
    [InlineData("+14", false)]
    [InlineData("unavailable", false)]
    public void Trailers_only_unavailable_is_the_grpc_status_14_exactly(string status, bool expected)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("grpc-status", status);
        Assert.Equal(expected, RetryClassifier.IsTrailersOnlyUnavailable(response));
    }

    [Fact]
    public void A_response_without_a_grpc_status_is_not_trailers_only_unavailable()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        Assert.False(RetryClassifier.IsTrailersOnlyUnavailable(response));
        Assert.True(RetryClassifier.IsEndpointFailure(CallKind.GrpcUnary, response));
    }

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("Application/GRPC", true)]
    [InlineData("application/json", false)]
    [InlineData("text/plain", false)]
    public void Grpc_is_recognised_by_a_content_type_starting_with_application_grpc(string contentType, bool grpc)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://reviews:9080/svc/Method") { Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        Assert.Equal(grpc ? CallKind.GrpcUnary : CallKind.Http, RetryClassifier.Classify(request));
    }

    [Fact]
    public void A_content_without_a_content_type_is_plain_http()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://reviews:9080/") { Content = new StreamContent(new UnseekableStream()) };
        Assert.Equal(CallKind.Http, RetryClassifier.Classify(request));
    }

    [Fact]
    public void Json_content_bodies_can_be_sent_again()
    {
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        var json = System.Net.Http.Json.JsonContent.Create(new { rating = 5 });
        Assert.True(RetryClassifier.IsReplayable(json));
        Assert.True(RetryClassifier.MayRetry(CallKind.Http, Request(HttpMethod.Put, json), false, unavailable, null));
        Assert.True(RetryClassifier.IsReplayable(null));
        Assert.False(RetryClassifier.IsReplayable(new StreamContent(new UnseekableStream())));
    }

    private static HttpRequestMessage Request(HttpMethod method, HttpContent? content = null) =>
        new(method, "http://reviews:9080/") { Content = content };

    private sealed class UnseekableStream : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
