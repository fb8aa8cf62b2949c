using System.Globalization;

namespace MeshClient.Tests.Xds.Protocol.Fuzz;

/// <summary>The fuzz tests' case count and seed: 10,000 and a fixed seed in the suite; more through the environment (tests/fuzz.sh).</summary>
internal static class FuzzSettings
{
    public static int Cases => Read("MESH_FUZZ_CASES", 10_000);

    public static int Seed => Read("MESH_FUZZ_SEED", 20261130);

    private static int Read(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
