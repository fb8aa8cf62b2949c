using MeshClient.Xds.Protocol;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Without_spread_the_delays_grow_and_cap_and_reset_starts_over()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(5), 0.2, () => 0.5);

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next());
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Next());
        Assert.Equal(TimeSpan.FromSeconds(4), backoff.Next());
        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Next());
        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Next());
        backoff.Reset();
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next());
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.25, 0.9)]
    [InlineData(0.75, 1.1)]
    public void Spread_is_linear_in_the_random_draw(double draw, double factor)
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(10), 1.6, TimeSpan.FromSeconds(30), 0.2, () => draw);

        Assert.Equal(10 * factor, backoff.Next().TotalSeconds, 6);
    }

    [Fact]
    public void Zero_jitter_gives_exact_delays()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), 1.6, TimeSpan.FromSeconds(30), 0, () => 0.99);

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Next());
        Assert.Equal(TimeSpan.FromSeconds(1.6), backoff.Next());
    }
}
