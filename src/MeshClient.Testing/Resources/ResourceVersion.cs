using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace MeshClient.Testing.Resources;

/// <summary>The version FakePilot gives a resource in delta xDS: a hash of its type and bytes, so an unchanged resource keeps its version.</summary>
internal static class ResourceVersion
{
    public static string Of(Any resource)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(resource.ToByteArray(), hash);
        return Convert.ToHexString(hash[..8]);
    }
}
