using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>
/// The header snapshot of a decision: an <see cref="HttpRequestMessage"/>'s headers read in one pass give exactly what
/// one <see cref="IRouteHeaders.TryGetValue"/> per name gives (case, first value, headers without a value, many
/// stored headers), and the values numeric conditions test are parsed once, as whole numbers when they are ones.
/// </summary>
public sealed class HeaderSnapshotTests
{
    private static readonly string[] Names = ["X-User", "X-Age", "Accept", "X-Tenant"];

    public static TheoryData<string, string[]> StoredHeaders => new()
    {
        { "none", [] },
        { "the wanted ones, as named", ["X-User=anna", "X-Age=30", "Accept=application/json", "X-Tenant=t1"] },
        { "other case", ["x-user=anna", "X-AGE=30", "accept=text/plain", "x-tenant=T1"] },
        { "several values: the first counts", ["X-User=jason|anna", "X-Age=17|70"] },
        { "one value with a comma stays whole", ["X-User=jason, anna"] },
        { "an empty value", ["X-User=", "X-Age=30"] },
        { "a header stored without any value", ["X-User=<none>", "X-Age=30"] },
        { "others before the wanted ones", ["X-A=1", "X-B=2", "X-C=3", "X-D=4", "X-E=5", "X-Tenant=t9", "X-Us=no", "X-Userx=no", "X-User=bob"] },
        { "names that differ only by length or one letter", ["X-Use=no", "X-Users=no", "X-Uset=no", "X-Agee=1", "X-Ag=2"] },
        { "the same name twice in two cases", ["X-User=first", "x-user=second"] },
        { "non-numbers where a number is parsed", ["X-Age=thirty", "X-User=-", "X-Tenant=12345678901234567890"] },
        { "whole and decimal numbers", ["X-Age=-42", "X-User=007", "X-Tenant=1.5"] },
    };

    [Theory]
    [MemberData(nameof(StoredHeaders))]
    public void One_pass_over_an_http_request_reads_what_one_lookup_per_name_reads(string because, string[] stored)
    {
        using var message = Message(stored);
        var reader = new HttpRequestHeadersReader(message.Headers);
        for (var count = 1; count <= Names.Length; count++)
        {
            var names = Names[..count];
            var integerSlots = (1 << count) - 1;
            var onePass = HeaderSnapshot.Read(reader, names, integerSlots);
            var perName = HeaderSnapshot.Read(new PerNameReader(reader), names, integerSlots);
            var direct = default(HeaderSnapshot);
            reader.ReadInto(names, ref direct);

            Assert.True(perName.Found == onePass.Found, because);
            Assert.True(perName.Found == direct.Found, because);
            for (var slot = 0; slot < count; slot++)
            {
                Assert.True(perName.Has(slot) == reader.TryGetValue(names[slot], out var expected), because);
                Assert.True(expected.SequenceEqual(onePass.Value(slot)), $"{because}: {names[slot]} is '{onePass.Value(slot)}', expected '{expected}'");
                Assert.True(expected.SequenceEqual(direct.Value(slot)), $"{because}: {names[slot]} read directly is '{direct.Value(slot)}', expected '{expected}'");
                Assert.True(perName.IsInteger(slot) == onePass.IsInteger(slot), because);
                Assert.True(perName.Integer(slot) == onePass.Integer(slot), because);
            }
        }
    }

    [Fact]
    public void Values_are_read_case_insensitively_first_value_and_only_the_asked_slots_are_parsed()
    {
        using var message = Message(["accept=*/*", "x-age=42|7", "X-USER=jason|anna", "X-Other=1"]);

        var snapshot = HeaderSnapshot.Read(new HttpRequestHeadersReader(message.Headers), ["X-User", "X-Age", "X-Missing"], integerSlots: 0b110);

        Assert.Equal(0b011, snapshot.Found);
        Assert.Equal("jason", snapshot.Value(0).ToString());
        Assert.Equal("42", snapshot.Value(1).ToString());
        Assert.True(snapshot.Value(2).IsEmpty);
        Assert.False(snapshot.IsInteger(0));
        Assert.True(snapshot.IsInteger(1));
        Assert.Equal(42, snapshot.Integer(1));
        Assert.False(snapshot.IsInteger(2));
    }

    [Fact]
    public void A_reader_without_headers_reads_none()
    {
        var reader = default(HttpRequestHeadersReader);
        var direct = default(HeaderSnapshot);

        reader.ReadInto(["X-User", "X-Age"], ref direct);

        Assert.Equal(0, direct.Found);
        Assert.Equal(0, HeaderSnapshot.Read(reader, ["X-User"], integerSlots: 1).Found);
        Assert.False(reader.TryGetValue("X-User", out var value));
        Assert.True(value.IsEmpty);
    }

    [Fact]
    public void A_header_of_several_values_gives_its_first_value_only()
    {
        using var message = Message(["X-User=jason|anna", "X-Age=17|70|99"]);
        var sink = new RecordingSink([]);

        new HttpRequestHeadersReader(message.Headers).ReadInto(["X-User", "X-Age"], ref sink);

        Assert.Equal(["0=jason", "1=17"], sink.Accepted);
    }

    [Fact]
    public void A_reader_needs_the_headers_it_reads()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new HttpRequestHeadersReader(null!));
        Assert.Equal("headers", error.ParamName);
    }

    [Fact]
    public void Each_wanted_header_is_given_once_in_stored_order_under_its_slot()
    {
        using var message = Message(["X-Age=1", "X-B=2", "X-User=u", "X-C=3", "X-Tenant=t"]);
        var sink = new RecordingSink([]);

        new HttpRequestHeadersReader(message.Headers).ReadInto(["X-Tenant", "X-User", "X-Age", "X-Missing"], ref sink);

        Assert.Equal(["2=1", "1=u", "0=t"], sink.Accepted);
    }

    [Fact]
    public void A_value_that_is_not_a_whole_number_is_not_parsed_as_one()
    {
        using var message = Message(["X-Age=18.5", "X-User=-7", "X-Tenant=1e3"]);

        var snapshot = HeaderSnapshot.Read(new HttpRequestHeadersReader(message.Headers), ["X-Age", "X-User", "X-Tenant"], integerSlots: 0b111);

        Assert.Equal(0b111, snapshot.Found);
        Assert.False(snapshot.IsInteger(0));
        Assert.True(snapshot.IsInteger(1));
        Assert.Equal(-7, snapshot.Integer(1));
        Assert.False(snapshot.IsInteger(2));
    }

    [Theory]
    [InlineData("{greater: 18}", "19", true)]
    [InlineData("{greater: 18}", "18", false)]
    [InlineData("{greater: 18}", "18.01", true)]
    [InlineData("{greater: 18}", " 20 ", true)]
    [InlineData("{greater: 18}", "-20", false)]
    [InlineData("{greater: 18}", "abc", false)]
    [InlineData("{greater: 18.5}", "19", true)]
    [InlineData("{greater: 18.5}", "18", false)]
    [InlineData("{less: 18}", "17", true)]
    [InlineData("{less: 18}", "18", false)]
    [InlineData("{noLess: 18}", "18", true)]
    [InlineData("{noLess: 18}", "17", false)]
    [InlineData("{noGreater: 18}", "18", true)]
    [InlineData("{noGreater: 18}", "19", false)]
    [InlineData("{greater: 18, less: 65}", "64", true)]
    [InlineData("{greater: 18, less: 65}", "65", false)]
    [InlineData("{greater: 18, exact: \"30\"}", "30", true)]
    [InlineData("{greater: 18, exact: \"030\"}", "30", false)]
    [InlineData("{greater: 18, regex: \"^(30|40)$\"}", "40", true)]
    [InlineData("{greater: 18, regex: \"^(30|40)$\"}", "50", false)]
    public void Numeric_conditions_through_a_router_use_the_number_parsed_once(string condition, string value, bool expected)
    {
        // Two rules test the header (so it is a snapshot slot parsed once); the second is the one that can match.
        var rules = RouterRules.Parse($$$"""
            routeRule:
              reviews:
                - precedence: 3
                  match: {headers: {X-Age: {exact: never} } }
                  route: [{tags: {version: v3}, weight: 100}]
                - precedence: 2
                  match: {headers: {x-age: {{{condition}}}}}
                  route: [{tags: {version: v2}, weight: 100}]
                - precedence: 1
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        var router = new MeshRouter(new MeshRegistry(MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.0.1.1", "v1"), ("10.0.2.1", "v2"), ("10.0.3.1", "v3"))), rules);
        using var message = Message(["Accept=*/*", $"X-AGE={value}"]);

        var decision = router.Route(new RouteRequest("reviews"), new HttpRequestHeadersReader(message.Headers));

        Assert.Equal(expected ? 1 : 2, decision.RuleIndex);
        Assert.Equal(expected, HeaderConditionMatches(condition, value));
    }

    private static bool HeaderConditionMatches(string condition, string value)
    {
        var rules = RouterRules.Parse($$$"""
            routeRule:
              reviews:
                - match: {headers: {X-Age: {{{condition}}}}}
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        Assert.True(rules.TryGetRules("reviews", out var list));
        return list[0].Match!.Matches(new RouteRequest("reviews"), MeshFixtures.Headers(("X-Age", value)));
    }

    /// <summary>Headers as <c>Name=value|value</c>; <c>&lt;none&gt;</c> stores the name without any value.</summary>
    private static HttpRequestMessage Message(string[] stored)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, "http://reviews/");
        foreach (var header in stored)
        {
            var (name, values) = (header[..header.IndexOf('=')], header[(header.IndexOf('=') + 1)..]);
            Assert.True(message.Headers.TryAddWithoutValidation(name, values == "<none>" ? [] : values.Split('|')));
        }

        return message;
    }

    private readonly struct RecordingSink(List<string> accepted) : IHeaderValueSink
    {
        public List<string> Accepted => accepted;

        public void Accept(int slot, ReadOnlySpan<char> value) => accepted.Add($"{slot}={value}");
    }

    /// <summary>The same reader through the per-name path (another type, so the snapshot does not read it in one pass).</summary>
    private readonly struct PerNameReader(HttpRequestHeadersReader inner) : IRouteHeaders
    {
        public bool TryGetValue(string name, out ReadOnlySpan<char> value) => inner.TryGetValue(name, out value);
    }
}
