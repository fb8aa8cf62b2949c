using System.Globalization;
using MeshClient.Resilience;
using Microsoft.Extensions.Options;

namespace MeshClient;

/// <summary>
/// Validates <see cref="MeshOptions"/>: the one place options are checked, for <c>AddMeshDiscovery</c> (at start-up)
/// and for the console path (<see cref="MeshDiscovery.StartAsync"/>, <see cref="Http.MeshHttpHandler"/>'s factories).
/// Each failure names the configuration key and the reason (<c>Mesh:Pilot:Address: ...</c>), so a bad value fails with
/// a message the user can act on; the settings types that read the options only map them.
/// </summary>
internal sealed partial class MeshOptionsValidator : IValidateOptions<MeshOptions>
{
    /// <summary>The longest <see cref="MeshOptions.Timeout"/> a <see cref="CancellationTokenSource"/> takes.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly string _section;

    public MeshOptionsValidator(string section)
    {
        _section = string.IsNullOrEmpty(section) ? "Mesh" : section;
    }

    /// <summary>Throws when <paramref name="options"/> are invalid (the console path).</summary>
    /// <param name="options">The options.</param>
    /// <param name="paramName">The caller's parameter, named by the exception.</param>
    /// <exception cref="ArgumentException">One or more options are invalid; the message holds each failure, separated by '; '.</exception>
    public static void ThrowIfInvalid(MeshOptions options, string paramName)
    {
        var result = new MeshOptionsValidator("Mesh").Validate(null, options);
        if (result.Failed)
        {
            throw new ArgumentException(result.FailureMessage, paramName);
        }
    }

    public ValidateOptionsResult Validate(string? name, MeshOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.ConfigurationErrors);
        if (!Enum.IsDefined(options.Mode))
        {
            Fail(errors, "Mode", $"'{options.Mode}' is not Pilot or Sidecar");
        }

        if (options.Namespace is { } ns && !IsDnsLabel(ns))
        {
            Fail(errors, "Namespace", $"'{ns}' is not a Kubernetes namespace name (lower-case letters, digits and '-')");
        }

        foreach (var (key, value) in options.Service.Tags)
        {
            if (string.IsNullOrWhiteSpace(key) || value is null)
            {
                Fail(errors, $"Service:Tags:{key}", "tags need a non-empty name and a value");
            }
        }

        if (options.Mode == MeshMode.Pilot)
        {
            ValidatePilot(errors, options);
        }
        else if (options.Sidecar.CallAddress is { } call)
        {
            ValidateCallAddress(errors, call);
        }

        if (!Enum.IsDefined(options.Routing.UnknownHost))
        {
            Fail(errors, "Routing:UnknownHost", $"'{options.Routing.UnknownHost}' is not PassThrough or Fail");
        }

        foreach (var file in options.Routing.DestinationRuleFiles)
        {
            if (string.IsNullOrWhiteSpace(file))
            {
                Fail(errors, "Routing:DestinationRuleFiles", "holds an empty path");
            }
        }

        if (options.Routing.RouterFile is { } router && string.IsNullOrWhiteSpace(router))
        {
            Fail(errors, "Routing:RouterFile", "is empty: give a path or leave it unset");
        }

        Positive(errors, "Routing:SessionTimeout", options.Routing.SessionTimeout);
        AtLeast(errors, "Routing:SessionSuccessiveFailures", options.Routing.SessionSuccessiveFailures, 1);
        if (options.Routing.ReloadDebounce < TimeSpan.Zero)
        {
            Fail(errors, "Routing:ReloadDebounce", $"is {Format(options.Routing.ReloadDebounce)}; it must not be negative");
        }

        ValidateWorkload(errors, options.Workload);
        ValidateRetry(errors, options.Retry);
        ValidateOutlierDetection(errors, options.OutlierDetection);
        if (options.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            Fail(errors, "Timeout", $"is {Format(timeout)}; it must be positive, or unset for no timeout");
        }
        else if (options.Timeout > MaxTimeout)
        {
            Fail(errors, "Timeout", $"is {Format(options.Timeout.Value)}; it must be at most {Format(MaxTimeout)}, or unset for no timeout");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void ValidateWorkload(List<string> errors, MeshWorkloadOptions? workload)
    {
        if (workload is null)
        {
            return;
        }

        string?[] files = [workload.CertificateChainFile, workload.PrivateKeyFile, workload.RootCertificateFile];
        var set = files.Count(f => f is not null);
        if (files.Any(f => f is not null && string.IsNullOrWhiteSpace(f)))
        {
            Fail(errors, "Workload", "a certificate file path is empty: give a path or leave it unset");
        }
        else if (set is > 0 and < 3)
        {
            Fail(errors, "Workload", "CertificateChainFile, PrivateKeyFile and RootCertificateFile go together: set all three, or none to use istio-agent's files in /var/lib/istio/data when they exist");
        }
    }

    private void ValidateRetry(List<string> errors, MeshRetryOptions retry)
    {
        InRange(errors, "Retry:OnSame", retry.OnSame, 0, RetrySettings.MaxRetriesPerKind);
        InRange(errors, "Retry:OnNext", retry.OnNext, 0, RetrySettings.MaxRetriesPerKind);
        if (!Enum.IsDefined(retry.Backoff))
        {
            Fail(errors, "Retry:Backoff", $"'{retry.Backoff}' is not Zero, Constant, Jittered or Exponential");
        }

        if (retry.BackoffMin < TimeSpan.Zero)
        {
            Fail(errors, "Retry:BackoffMin", $"is {Format(retry.BackoffMin)}; it must not be negative");
        }

        if (retry.BackoffMax < retry.BackoffMin && retry.Backoff is MeshRetryBackoff.Jittered or MeshRetryBackoff.Exponential)
        {
            Fail(errors, "Retry:BackoffMax", $"is {Format(retry.BackoffMax)}; it must be at least {_section}:Retry:BackoffMin ({Format(retry.BackoffMin)})");
        }
    }

    private void ValidateOutlierDetection(List<string> errors, MeshOutlierDetectionOptions outlier)
    {
        AtLeast(errors, "OutlierDetection:ConsecutiveFailures", outlier.ConsecutiveFailures, 1);
        Positive(errors, "OutlierDetection:BaseEjectionTime", outlier.BaseEjectionTime);
        if (outlier.MaxEjectionTime < outlier.BaseEjectionTime)
        {
            Fail(errors, "OutlierDetection:MaxEjectionTime", $"is {Format(outlier.MaxEjectionTime)}; it must be at least {_section}:OutlierDetection:BaseEjectionTime ({Format(outlier.BaseEjectionTime)})");
        }

        if (outlier.MaxEjectionPercent is < 0 or > 100)
        {
            Fail(errors, "OutlierDetection:MaxEjectionPercent", $"is {outlier.MaxEjectionPercent}; it must be from 0 to 100");
        }
    }

    private void ValidateCallAddress(List<string> errors, string address)
    {
        const string Key = "Sidecar:CallAddress";
        if (string.IsNullOrWhiteSpace(address))
        {
            Fail(errors, Key, "is empty: give ':PORT' (joined to the service name), a fixed 'host:port', or leave it unset to use ':' plus each request's port");
            return;
        }

        var trimmed = address.Trim();
        if (trimmed.StartsWith(':'))
        {
            if (!int.TryParse(trimmed.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                Fail(errors, Key, $"'{address}' needs a port from 1 to 65535 after ':'");
            }
        }
        else if (!Uri.TryCreate("http://" + trimmed, UriKind.Absolute, out var parsed) || parsed.PathAndQuery != "/" || !string.IsNullOrEmpty(parsed.UserInfo))
        {
            Fail(errors, Key, $"'{address}' is not 'host' or 'host:port'");
        }
    }

    private void Positive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            Fail(errors, key, $"is {Format(value)}; it must be positive");
        }
    }

    private void AtLeast(List<string> errors, string key, int value, int minimum)
    {
        if (value < minimum)
        {
            Fail(errors, key, $"is {value}; it must be at least {minimum}");
        }
    }

    private void InRange(List<string> errors, string key, int value, int minimum, int maximum)
    {
        if (value < minimum)
        {
            Fail(errors, key, $"is {value}; it must be at least {minimum}");
        }
        else if (value > maximum)
        {
            Fail(errors, key, $"is {value}; it must be at most {maximum}");
        }
    }

    private void Fail(List<string> errors, string key, string reason) => errors.Add($"{_section}:{key}: {reason}.");

    private static bool IsDnsLabel(string value) =>
        value.Length is > 0 and <= 63 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && value[0] != '-' && value[^1] != '-';

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
