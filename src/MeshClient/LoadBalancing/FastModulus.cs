namespace MeshClient.LoadBalancing;

/// <summary>
/// Division of unsigned 32-bit positions by a fixed divisor through a precomputed multiplier (Lemire's fastmod, as
/// the runtime's hash tables do it), so a rotation step costs two multiplications instead of a hardware division.
/// Exact for every 32-bit position and every divisor from 1 to <see cref="int.MaxValue"/>.
/// </summary>
internal readonly struct FastModulus
{
    private readonly ulong _multiplier;

    public FastModulus(int divisor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(divisor);
        Divisor = (uint)divisor;

        // ceil(2^64 / divisor); wraps to 0 for divisor 1, handled in Quotient and exact in Remainder.
        _multiplier = unchecked((ulong.MaxValue / Divisor) + 1);
    }

    public uint Divisor { get; }

    /// <summary><paramref name="position"/> modulo <see cref="Divisor"/>.</summary>
    public uint Remainder(uint position) =>
        (uint)(((((_multiplier * position) >> 32) + 1) * Divisor) >> 32);

    /// <summary><paramref name="position"/> divided by <see cref="Divisor"/>, rounded down.</summary>
    public uint Quotient(uint position) =>
        Divisor == 1 ? position : (uint)Math.BigMul(_multiplier, position, out _);
}
