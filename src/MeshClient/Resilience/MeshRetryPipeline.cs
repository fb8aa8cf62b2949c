using MeshClient.Diagnostics;
using MeshClient.LoadBalancing;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace MeshClient.Resilience;

/// <summary>
/// The retries of mesh calls (Mesh:Retry, go-chassis <c>retryOnSame</c> and <c>retryOnNext</c>): a Polly retry
/// strategy with the go-chassis backoff, whose rules of what may be retried are <see cref="RetryClassifier"/>'s. The
/// first attempt is the caller's own, outside Polly: the pipeline runs only once that attempt's outcome makes a retry
/// due (<see cref="IsRetryDue"/>), replaying that outcome as its own first one, so the retry count, backoff and
/// <c>OnRetry</c> are exactly Polly's.
/// </summary>
internal sealed partial class MeshRetryPipeline
{
    private static readonly ResiliencePropertyKey<IRetryableCall> CallKey = new("MeshClient.RetryableCall");

    private readonly RetrySettings _settings;
    private readonly MeshMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    private MeshRetryPipeline(RetrySettings settings, TimeProvider time, IRandomSource random, MeshMetrics? metrics, ILogger logger)
    {
        _settings = settings;
        _metrics = metrics;
        _logger = logger;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxRetryAttempts,
                Delay = TimeSpan.Zero,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Context, args.Outcome)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryBackoffDelay.Compute(settings, args.AttemptNumber, random)),
                OnRetry = args =>
                {
                    OnRetry(args);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>The pipeline of <paramref name="settings"/>, or <see langword="null"/> when they allow no retry.</summary>
    public static MeshRetryPipeline? Create(RetrySettings settings, TimeProvider time, IRandomSource random, MeshMetrics? metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(logger);
        return settings.MaxRetryAttempts == 0 ? null : new MeshRetryPipeline(settings, time, random, metrics, logger);
    }

    /// <summary>Retries on the same endpoint before moving to others (<c>retryOnSame</c>).</summary>
    public int OnSame => _settings.OnSame;

    /// <summary>Whether the first attempt's outcome makes a retry due: the call may be retried at all, and this outcome may be.</summary>
    public bool IsRetryDue(CallKind kind, HttpRequestMessage request, in Outcome<HttpResponseMessage> outcome) =>
        RetryClassifier.MayEverRetry(kind, request.Method, _settings.RetryNonIdempotent)
        && RetryClassifier.MayRetry(kind, request, _settings.RetryNonIdempotent, outcome.Result, outcome.Exception);

    /// <summary>
    /// Runs the retries after a first attempt whose outcome made one due: backoff, next attempts, until one succeeds,
    /// is not retryable, or the retries are used up.
    /// </summary>
    /// <param name="call">The call.</param>
    /// <param name="first">The first attempt's outcome (the pipeline disposes of its response before retrying).</param>
    /// <param name="cancellationToken">Cancels the backoff and the attempts.</param>
    /// <returns>The outcome of the last attempt.</returns>
    public async ValueTask<Outcome<HttpResponseMessage>> RetryAsync(IRetryableCall call, Outcome<HttpResponseMessage> first, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(CallKey, call);
            return await _pipeline.ExecuteOutcomeAsync(
                static (context, replay) => replay.NextAsync(context.CancellationToken),
                context,
                new FirstOutcomeReplay(call, first)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private bool ShouldRetry(ResilienceContext context, in Outcome<HttpResponseMessage> outcome) =>
        context.Properties.TryGetValue(CallKey, out var call)
        && (outcome.Exception is not null || outcome.Result is not null)
        && RetryClassifier.MayRetry(call.Kind, call.Request, _settings.RetryNonIdempotent, outcome.Result, outcome.Exception);

    private void OnRetry(in OnRetryArguments<HttpResponseMessage> args)
    {
        if (!args.Context.Properties.TryGetValue(CallKey, out var call))
        {
            return;
        }

        var retryNumber = args.AttemptNumber + 1;
        _metrics?.Retry(call.ServiceHost);
        RouteActivity.Retrying(call.Activity, retryNumber);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var target = retryNumber <= _settings.OnSame ? "the same endpoint" : "another endpoint";
            LogRetrying(_logger, call.Request.Method.Method, call.ServiceHost, retryNumber, target, call.LastEndpoint, Describe(args.Outcome), args.RetryDelay);
        }
    }

    private static string Describe(in Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception
            ? exception.GetType().Name + ": " + exception.Message
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"status {(int)outcome.Result!.StatusCode}");

    /// <summary>The pipeline's callback state: its first execution gives back the first attempt's outcome, later ones send attempts.</summary>
    private sealed class FirstOutcomeReplay(IRetryableCall call, Outcome<HttpResponseMessage> first)
    {
        private bool _replayed;

        public ValueTask<Outcome<HttpResponseMessage>> NextAsync(CancellationToken cancellationToken)
        {
            if (!_replayed)
            {
                _replayed = true;
                return new ValueTask<Outcome<HttpResponseMessage>>(first);
            }

            return call.SendAttemptAsync(cancellationToken);
        }
    }
}
