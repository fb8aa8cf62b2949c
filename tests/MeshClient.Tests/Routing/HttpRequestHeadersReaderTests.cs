using CsCheck;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>
/// The one-pass header reader against <see cref="System.Net.Http.Headers.HttpHeaders"/>' own lookup: for any stored
/// headers (names in any case, several values, none) and any wanted names, each wanted header present with a value is
/// given once, under its slot, with its first value; the others are not given.
/// </summary>
public sealed class HttpRequestHeadersReaderTests
{
    private static readonly string[] Pool = ["X-User", "X-Age", "X-Tenant", "Accept", "X-Us", "X-Users", "X-A", "X-B"];

    [Fact]
    public void One_pass_gives_what_the_headers_own_lookup_gives()
    {
        var name = Gen.Select(Gen.Int[0, Pool.Length - 1], Gen.Int[0, 2]).Select((i, form) => form switch { 0 => Pool[i], 1 => Pool[i].ToLowerInvariant(), _ => Pool[i].ToUpperInvariant() });
        var values = Gen.Char["ab1"].Array[0, 3].Select(c => new string(c)).Array[0, 3];
        var wanted = Gen.Int[0, Pool.Length - 1].Array[1, HeaderSnapshot.Capacity].Select(ix => ix.Distinct().Select(i => Pool[i]).ToArray());
        Gen.Select(Gen.Select(name, values).Array[0, 8], wanted).Sample((stored, names) =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, "http://reviews/");
            foreach (var (n, v) in stored)
            {
                Assert.True(message.Headers.TryAddWithoutValidation(n, v));
            }

            var sink = new RecordingSink([]);
            new HttpRequestHeadersReader(message.Headers).ReadInto(names, ref sink);

            var expected = new List<string>();
            foreach (var header in message.Headers.NonValidated)
            {
                var slot = Array.FindIndex(names, n => string.Equals(n, header.Key, StringComparison.OrdinalIgnoreCase));
                if (slot >= 0 && header.Value.Count > 0 && message.Headers.NonValidated.TryGetValues(names[slot], out var lookedUp))
                {
                    expected.Add($"{slot}={lookedUp.First()}");
                }
            }

            Assert.Equal(expected, sink.Accepted);
            for (var slot = 0; slot < names.Length; slot++)
            {
                var has = message.Headers.NonValidated.TryGetValues(names[slot], out var all) && all.Count > 0;
                Assert.Equal(has, new HttpRequestHeadersReader(message.Headers).TryGetValue(names[slot], out var value));
                Assert.Equal(has ? all.First() : string.Empty, value.ToString());
            }
        }, iter: 500);
    }

    [Fact]
    public void Wanted_headers_stored_late_and_apart_are_all_given()
    {
        // The wanted headers come last and apart, after headers that are not wanted.
        using var message = new HttpRequestMessage(HttpMethod.Get, "http://reviews/");
        foreach (var (n, v) in new[] { ("X-A", "1"), ("X-Age", "30"), ("X-B", "2"), ("X-C", "3"), ("X-User", "anna"), ("X-D", "4"), ("X-Tenant", "t") })
        {
            Assert.True(message.Headers.TryAddWithoutValidation(n, v));
        }

        var sink = new RecordingSink([]);
        new HttpRequestHeadersReader(message.Headers).ReadInto(["X-Tenant", "X-User", "X-Age"], ref sink);

        Assert.Equal(["2=30", "1=anna", "0=t"], sink.Accepted);
    }

    private readonly struct RecordingSink(List<string> accepted) : IHeaderValueSink
    {
        public List<string> Accepted => accepted;

        public void Accept(int slot, ReadOnlySpan<char> value) => accepted.Add($"{slot}={value}");
    }
}
