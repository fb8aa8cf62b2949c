using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using MeshClient.Http;

namespace MeshClient.Tests.Http;

public sealed class RetryClassifierTests
{
    private static readonly HttpRequestException Refused = new("refused", new SocketException((int)SocketError.ConnectionRefused), null);
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
        Assert.Equal(expected, RetryClassifier.MayRetry(CallKind.Http, new HttpMethod(method), retryNonIdempotent: false, response, null));
    }

    [Fact]
    public void Connection_failures_retry_idempotent_methods_and_post_only_when_allowed()
    {
        Assert.True(RetryClassifier.MayRetry(CallKind.Http, HttpMethod.Get, false, null, Refused));
        Assert.False(RetryClassifier.MayRetry(CallKind.Http, HttpMethod.Post, false, null, Refused));
        Assert.True(RetryClassifier.MayRetry(CallKind.Http, HttpMethod.Post, true, null, Refused));
        Assert.False(RetryClassifier.MayRetry(CallKind.Http, HttpMethod.Get, false, null, Reset));
    }

    [Fact]
    public void Grpc_unary_retries_on_connection_failure_and_trailers_only_unavailable()
    {
        Assert.True(RetryClassifier.MayRetry(CallKind.GrpcUnary, HttpMethod.Post, false, null, Refused));
        using var unavailable = new HttpResponseMessage(HttpStatusCode.OK);
        unavailable.Headers.TryAddWithoutValidation("grpc-status", "14");
        Assert.True(RetryClassifier.MayRetry(CallKind.GrpcUnary, HttpMethod.Post, false, unavailable, null));
        using var internalError = new HttpResponseMessage(HttpStatusCode.OK);
        internalError.Headers.TryAddWithoutValidation("grpc-status", "13");
        Assert.False(RetryClassifier.MayRetry(CallKind.GrpcUnary, HttpMethod.Post, false, internalError, null));
        using var ok = new HttpResponseMessage(HttpStatusCode.OK);
        Assert.False(RetryClassifier.MayRetry(CallKind.GrpcUnary, HttpMethod.Post, false, ok, null));
    }

    [Fact]
    public void Grpc_streaming_is_never_retried()
    {
        Assert.False(RetryClassifier.MayRetry(CallKind.GrpcStreaming, HttpMethod.Post, true, null, Refused));
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
    public void Endpoint_failures_are_connection_failures_and_5xx()
    {
        using var error = new HttpResponseMessage(HttpStatusCode.InternalServerError);
        using var notFound = new HttpResponseMessage(HttpStatusCode.NotFound);
        Assert.True(RetryClassifier.IsEndpointFailure(error, null));
        Assert.False(RetryClassifier.IsEndpointFailure(notFound, null));
        Assert.True(RetryClassifier.IsEndpointFailure(null, Refused));
    }

    private sealed class UnseekableStream : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
