using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Transport;

public sealed class GrpcTimeoutHeaderTests
{
    public static TheoryData<TimeSpan, string> Cases => new()
    {
        { TimeSpan.FromHours(2), "2H" },
        { TimeSpan.FromMinutes(90), "90M" },
        { TimeSpan.FromSeconds(5), "5S" },
        { TimeSpan.FromSeconds(90), "90S" },
        { TimeSpan.FromMilliseconds(1500), "1500m" },
        { TimeSpan.FromMicroseconds(1500), "1500u" },
        { TimeSpan.FromTicks(1), "100n" },
        { TimeSpan.FromTicks(15), "1500n" },
        // 1.23456789 s has no exact unit within 8 digits (123456789 tens of ns): rounded up in microseconds.
        { TimeSpan.FromTicks(12_345_679), "1234568u" },
        // 99,999,999 hours fits; anything longer is capped there.
        { TimeSpan.FromHours(99_999_999), "99999999H" },
        { TimeSpan.MaxValue, "99999999H" },
        // 100,000,000 s is too many digits in S and not a whole number of minutes: rounded up in minutes.
        { TimeSpan.FromSeconds(100_000_000), "1666667M" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Formats_in_at_most_eight_digits_and_a_unit(TimeSpan timeout, string expected)
    {
        var header = GrpcTimeoutHeader.Format(timeout);

        Assert.Equal(expected, header);
        Assert.Matches("^[0-9]{1,8}[HMSmun]$", header);
    }

    [Fact]
    public void Never_shortens_the_timeout()
    {
        foreach (var ticks in new long[] { 1, 7, 123_456_789_123, 987_654_321_987, TimeSpan.TicksPerDay * 3650 + 17 })
        {
            var header = GrpcTimeoutHeader.Format(TimeSpan.FromTicks(ticks));
            var value = long.Parse(header[..^1], System.Globalization.CultureInfo.InvariantCulture);
            var unitTicks = header[^1] switch
            {
                'H' => TimeSpan.TicksPerHour,
                'M' => TimeSpan.TicksPerMinute,
                'S' => TimeSpan.TicksPerSecond,
                'm' => TimeSpan.TicksPerMillisecond,
                'u' => TimeSpan.TicksPerMicrosecond,
                _ => 0,
            };
            var sentTicks = unitTicks == 0 ? value / 100 : value * unitTicks;
            Assert.True(sentTicks >= ticks, $"{header} is shorter than {ticks} ticks");
            Assert.True(header.Length <= 9, header);
        }
    }

    [Fact]
    public void Rejects_a_timeout_that_is_not_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GrpcTimeoutHeader.Format(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => GrpcTimeoutHeader.Format(TimeSpan.FromSeconds(-1)));
    }
}
