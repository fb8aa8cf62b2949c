using CsCheck;
using MeshClient.LoadBalancing;

namespace MeshClient.Tests.LoadBalancing;

public sealed class FastModulusTests
{
    public static TheoryData<int> Divisors => [1, 2, 3, 5, 7, 10, 100, 1000, 2048, 4095, 65_537, 1_000_003, int.MaxValue - 1, int.MaxValue];

    [Theory]
    [MemberData(nameof(Divisors))]
    public void Remainder_and_quotient_equal_the_hardware_division_at_the_edges_and_across_the_range(int divisor)
    {
        var modulus = new FastModulus(divisor);
        var d = (uint)divisor;
        var random = new Random(divisor);
        var positions = new List<uint> { 0, 1, d - 1, d, d + 1, (2 * d) - 1, uint.MaxValue, uint.MaxValue - 1, uint.MaxValue - d, int.MaxValue, (uint)int.MaxValue + 1 };
        positions.AddRange(Enumerable.Range(0, 10_000).Select(_ => (uint)random.NextInt64(0, 1L << 32)));

        foreach (var position in positions)
        {
            Assert.True(position % d == modulus.Remainder(position), $"{position} % {d}: {modulus.Remainder(position)}");
            Assert.True(position / d == modulus.Quotient(position), $"{position} / {d}: {modulus.Quotient(position)}");
        }

        Assert.Equal(d, modulus.Divisor);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_divisor_below_one_is_refused(int divisor) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastModulus(divisor));

    [Fact]
    public void Remainder_and_quotient_equal_the_operators_for_any_divisor_and_position()
    {
        var divisors = Gen.OneOf(Gen.Int[1, 64], Gen.Int[1, 1 << 20], Gen.Int[1, int.MaxValue]);
        Gen.Select(divisors, Gen.UInt).Sample((divisor, position) =>
        {
            var modulus = new FastModulus(divisor);
            Assert.Equal(position % (uint)divisor, modulus.Remainder(position));
            Assert.Equal(position / (uint)divisor, modulus.Quotient(position));
        }, iter: 20_000);
    }
}
