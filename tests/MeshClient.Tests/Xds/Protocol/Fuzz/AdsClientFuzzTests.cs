using System.Globalization;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Tests.Xds.Protocol.Fuzz;

/// <summary>
/// Mutated discovery responses fed to the client through the in-memory transport seam: nothing escapes the stream
/// loop (one stream, every response answered), every invalid resource is named in its NACK, and the registry equals
/// the valid part of what was sent (per the reference model). Fixed seed; MESH_FUZZ_CASES and MESH_FUZZ_SEED run more.
/// </summary>
public sealed class AdsClientFuzzTests
{
    [Fact]
    public async Task Mutated_responses_never_escape_the_stream_loop_and_the_registry_is_the_valid_part()
    {
        var cases = FuzzSettings.Cases;
        var seed = FuzzSettings.Seed;
        var answered = 0;

        // Each session has its own generator seeded from (seed, session): deterministic whatever the order they run in.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, (cases + 9) / 10),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (session, _) => Interlocked.Add(ref answered, await RunSessionAsync(new Random(unchecked((seed * 7919) + session)), session, seed)));

        Assert.True(answered >= cases, $"only {answered} responses were checked");
    }

    /// <summary>One client, one stream, ten responses: state carries from one to the next as it does against Pilot.</summary>
    private static async Task<int> RunSessionAsync(Random random, int session, int seed)
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        var mutator = new DiscoveryResponseMutator(random, ads.ClusterType, ads.EndpointType);
        var model = new XdsReferenceModel();
        var versions = new Dictionary<string, string> { [ads.ClusterType] = string.Empty, [ads.EndpointType] = string.Empty };
        for (var step = 0; step < 10; step++)
        {
            var clusters = step == 0 || random.Next(2) == 0;
            var response = mutator.Next(clusters);
            var where = $"seed {seed}, session {session}, step {step}: {response}";
            var mentions = clusters ? model.ApplyClusters(response) : model.ApplyEndpoints(response);

            var requests = await ads.SendAndCollectAsync(call, response);
            var answer = requests[^1];
            if (mentions.Count == 0)
            {
                Assert.True(answer.ErrorDetail is null, $"{where}: NACKed ({answer.ErrorDetail?.Message}) but every resource is valid");
                versions[response.TypeUrl] = response.VersionInfo;
            }
            else
            {
                Assert.True(answer.ErrorDetail is not null, $"{where}: ACKed but must name {string.Join(" ", mentions)}");
                foreach (var mention in mentions)
                {
                    Assert.True(answer.ErrorDetail.Message.Contains(mention, StringComparison.Ordinal), $"{where}: the NACK \"{answer.ErrorDetail.Message}\" does not name {mention}");
                }
            }

            Assert.True(versions[response.TypeUrl] == answer.VersionInfo, $"{where}: answered version \"{answer.VersionInfo}\", last accepted \"{versions[response.TypeUrl]}\"");
            AssertRegistry(ads, model, where);
        }

        Assert.Equal(1, ads.Transport.CallCount);
        return 10;
    }

    private static void AssertRegistry(AdsHarness ads, XdsReferenceModel model, string where)
    {
        var actual = new SortedDictionary<string, (bool, string)>(StringComparer.Ordinal);
        foreach (var (name, cluster) in ads.Registry.Current.Clusters)
        {
            actual[name] = (cluster.EndpointsReceived, XdsReferenceModel.Format(cluster.Endpoints.Select(e => (e.Address, e.Port))));
        }

        var expected = model.Expected();
        Assert.True(
            expected.SequenceEqual(actual),
            string.Create(CultureInfo.InvariantCulture, $"{where}{Environment.NewLine}expected {string.Join("; ", expected)}{Environment.NewLine}actual   {string.Join("; ", actual)}"));
    }
}
