using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Transport;

public sealed class GrpcStatusMessageEncodingTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("✓", "%E2%9C%93")]
    [InlineData("line\nbreak", "line%0Abreak")]
    public void Encodes_bytes_outside_printable_ascii_and_the_percent_sign(string text, string expected)
    {
        Assert.Equal(expected, GrpcStatusMessageEncoding.Encode(text));
    }

    [Theory]
    [InlineData("no escapes", "no escapes")]
    [InlineData("bad%20node%3a%20%E2%9C%93", "bad node: ✓")]
    [InlineData("100%25", "100%")]
    [InlineData("broken %zz and %4", "broken %zz and %4")]
    [InlineData("trailing %", "trailing %")]
    [InlineData("invalid utf8 %FF!", "invalid utf8 \uFFFD!")]
    public void Decodes_without_ever_failing(string value, string expected)
    {
        Assert.Equal(expected, GrpcStatusMessageEncoding.Decode(value));
    }

    [Fact]
    public void Round_trips_any_text()
    {
        const string Text = "ünïcödé, 100% \t tabs, emoji 🚀, quotes \"'";

        Assert.Equal(Text, GrpcStatusMessageEncoding.Decode(GrpcStatusMessageEncoding.Encode(Text)));
        Assert.Matches("^[\\x20-\\x7E]*$", GrpcStatusMessageEncoding.Encode(Text));
    }
}
