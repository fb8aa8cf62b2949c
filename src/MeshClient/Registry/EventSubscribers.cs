using Microsoft.Extensions.Logging;

namespace MeshClient.Registry;

/// <summary>
/// Raises an event to each subscriber on its own: an exception from one is caught and logged with the event's name,
/// and the later subscribers still run. The app's own code never stops, restarts or fails the code that raised it
/// (the ADS stream, a file reload).
/// </summary>
internal static partial class EventSubscribers
{
    /// <summary>Invokes each delegate of <paramref name="handler"/>'s invocation list.</summary>
    /// <param name="handler">The event's handlers, or <see langword="null"/>.</param>
    /// <param name="sender">The sender.</param>
    /// <param name="args">The event data.</param>
    /// <param name="eventName">The event's name for the log, such as <c>MeshRegistry.Changed</c>.</param>
    /// <param name="logger">Where a failing subscriber is logged.</param>
    public static void Raise<TArgs>(EventHandler<TArgs>? handler, object sender, TArgs args, string eventName, ILogger logger)
    {
        if (handler is null)
        {
            return;
        }

        foreach (var subscriber in handler.GetInvocationList())
        {
            try
            {
                ((EventHandler<TArgs>)subscriber)(sender, args);
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(logger, eventName, Describe(subscriber), ex);
            }
        }
    }

    /// <summary>Invokes each delegate of <paramref name="handler"/>'s invocation list.</summary>
    /// <param name="handler">The event's handlers, or <see langword="null"/>.</param>
    /// <param name="sender">The sender.</param>
    /// <param name="eventName">The event's name for the log, such as <c>MeshRegistry.StateChanged</c>.</param>
    /// <param name="logger">Where a failing subscriber is logged.</param>
    public static void Raise(EventHandler? handler, object sender, string eventName, ILogger logger)
    {
        if (handler is null)
        {
            return;
        }

        foreach (var subscriber in handler.GetInvocationList())
        {
            try
            {
                ((EventHandler)subscriber)(sender, EventArgs.Empty);
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(logger, eventName, Describe(subscriber), ex);
            }
        }
    }

    private static string Describe(Delegate subscriber) => $"{subscriber.Method.DeclaringType?.FullName}.{subscriber.Method.Name}";

    [LoggerMessage(EventId = 1900, Level = LogLevel.Error, Message = "A subscriber of {EventName} threw ({Subscriber}); the exception was caught, the other subscribers ran and MeshClient carries on.")]
    private static partial void LogSubscriberFailed(ILogger logger, string eventName, string subscriber, Exception exception);
}
