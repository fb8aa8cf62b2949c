using System.Globalization;
using System.Text;
using MeshClient.Xds.Transport;
using Microsoft.AspNetCore.Http;

namespace MeshClient.Testing.Ads;

/// <summary>Ends a gRPC call on the server side: grpc-status and grpc-message as trailers, or a trailers-only response.</summary>
internal static class GrpcServerStatus
{
    public const string ContentType = "application/grpc";

    /// <summary>
    /// Sets the call's status: in the response headers (a trailers-only response) when nothing has been sent yet,
    /// otherwise as trailers.
    /// </summary>
    public static void Set(HttpResponse response, GrpcStatusCode code, string? message)
    {
        var status = ((int)code).ToString(CultureInfo.InvariantCulture);
        if (!response.HasStarted)
        {
            response.ContentType = ContentType;
            response.Headers["grpc-status"] = status;
            if (!string.IsNullOrEmpty(message))
            {
                response.Headers["grpc-message"] = PercentEncode(message);
            }

            return;
        }

        response.AppendTrailer("grpc-status", status);
        if (!string.IsNullOrEmpty(message))
        {
            response.AppendTrailer("grpc-message", PercentEncode(message));
        }
    }

    /// <summary>Sets the call's status (see <see cref="Set"/>) and sends it now, ending the response.</summary>
    public static async Task EndAsync(HttpResponse response, GrpcStatusCode code, string? message)
    {
        Set(response, code, message);
        await response.CompleteAsync();
    }

    /// <summary>Percent-encodes a status message as gRPC requires: UTF-8, every byte outside 0x20-0x7E and '%' as %XX.</summary>
    public static string PercentEncode(string message)
    {
        var text = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
