using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshClient.Registry;

namespace MeshClient.Http;

/// <summary>
/// Reads a certificate's subject alternative names (RFC 5280 GeneralNames): e-mail, DNS, URI (the SPIFFE identity of
/// an Istio workload) and IP address; other kinds are skipped.
/// </summary>
internal static class SubjectAltNames
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private static readonly Asn1Tag Email = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag Dns = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag Uri = new(TagClass.ContextSpecific, 6);
    private static readonly Asn1Tag IpAddress = new(TagClass.ContextSpecific, 7);

    /// <summary>The SANs of <paramref name="certificate"/> as <c>KIND:value</c> texts, for messages and logs.</summary>
    public static IEnumerable<string> Read(X509Certificate2 certificate) =>
        Parse(certificate).Select(san => $"{san.Type}:{san.Value}");

    /// <summary>The SANs of <paramref name="certificate"/>; empty when it has none or they do not decode.</summary>
    public static List<(SubjectAltNameType Type, string Value)> Parse(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var names = new List<(SubjectAltNameType, string)>();
        if (certificate.Extensions[SubjectAltNameOid] is not { } extension)
        {
            return names;
        }

        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                if (tag.HasSameClassAndValue(Uri))
                {
                    names.Add((SubjectAltNameType.Uri, sequence.ReadCharacterString(UniversalTagNumber.IA5String, Uri)));
                }
                else if (tag.HasSameClassAndValue(Dns))
                {
                    names.Add((SubjectAltNameType.Dns, sequence.ReadCharacterString(UniversalTagNumber.IA5String, Dns)));
                }
                else if (tag.HasSameClassAndValue(Email))
                {
                    names.Add((SubjectAltNameType.Email, sequence.ReadCharacterString(UniversalTagNumber.IA5String, Email)));
                }
                else if (tag.HasSameClassAndValue(IpAddress))
                {
                    names.Add((SubjectAltNameType.IpAddress, new IPAddress(sequence.ReadOctetString(IpAddress)).ToString()));
                }
                else
                {
                    sequence.ReadEncodedValue();
                }
            }
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException or ArgumentException)
        {
            // A malformed extension gives no names: no matcher passes.
            names.Clear();
        }

        return names;
    }
}
