using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace MeshClient.Testing;

/// <summary>The bearer token FakePilot asks for, as istiod does on port 15012, and the tokens it was sent.</summary>
public sealed partial class FakePilot
{
    private readonly object _tokensGate = new();
    private readonly List<string?> _receivedTokens = [];
    private volatile string? _requiredToken;

    /// <summary>
    /// The bearer token every new stream must carry (<c>authorization: Bearer TOKEN</c>); a stream without it is ended
    /// at once with UNAUTHENTICATED, as istiod does. <see langword="null"/> requires none. Open streams are not affected
    /// when it changes.
    /// </summary>
    public string? RequiredToken
    {
        get => _requiredToken;
        set => _requiredToken = value;
    }

    /// <summary>
    /// The bearer token of every stream opened so far, in order (<see langword="null"/> for a stream without one),
    /// whether or not it was accepted.
    /// </summary>
    public IReadOnlyList<string?> ReceivedTokens
    {
        get
        {
            lock (_tokensGate)
            {
                return [.. _receivedTokens];
            }
        }
    }

    /// <summary>Records the stream's token and tells whether it is the required one.</summary>
    private bool Authenticate(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        const string Bearer = "Bearer ";
        var token = header is not null && header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header[Bearer.Length..] : null;
        lock (_tokensGate)
        {
            _receivedTokens.Add(token);
        }

        return _requiredToken is not { } required
            || (token is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(required)));
    }
}
