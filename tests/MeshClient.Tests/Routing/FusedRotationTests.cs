using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Tests.LoadBalancing;

namespace MeshClient.Tests.Routing;

public sealed class FusedRotationTests
{
    [Theory]
    [InlineData(new[] { 40, 40, 20 }, new[] { 100, 100, 100 }, 17)]
    [InlineData(new[] { 90, 10 }, new[] { 3, 2 }, 0)]
    [InlineData(new[] { 100 }, new[] { 7 }, 5)]
    [InlineData(new[] { 50, 30, 20 }, new[] { 4, 6, 9 }, 1_000_000)]
    [InlineData(new[] { 33, 67 }, new[] { 1, 5 }, 3)]
    public void Each_entry_is_the_pick_the_two_rotations_compute_for_that_call(int[] weights, int[] endpointCounts, int ruleStart)
    {
        var destinations = weights.Select((w, d) => new RuleDestination(RoundRobinPool(endpointCounts[d], start: 1000 * d, d), w, IsRemainder: false)).ToArray();
        var sequence = WeightedSequence.Create(weights.Select(w => (long)w).ToArray(), new SequenceCursor(ruleStart));

        var fused = FusedRotation.TryCreate(sequence, destinations);

        Assert.NotNull(fused);
        Assert.Equal(0, fused.Period % sequence.Period);
        for (var position = 0u; position < 3 * (uint)fused.Period + 7; position++)
        {
            var destination = destinations[sequence.At(position, out var occurrence)];
            var entry = fused.At(position);
            Assert.Same(destination, entry.Destination);
            Assert.Same(destination.Pool.Rotation!.At(occurrence), entry.Candidate);
        }
    }

    [Fact]
    public void The_period_is_the_rule_period_times_the_rounds_after_which_every_rotation_is_back_at_its_start()
    {
        // 40/40/20 reduces to 2/2/1 (period 5); rotations of 100, 100 and 100 endpoints come back after 50, 50 and 100 rounds.
        var destinations = new[] { 40, 40, 20 }.Select((w, d) => new RuleDestination(RoundRobinPool(100, 0, d), w, false)).ToArray();
        var sequence = WeightedSequence.Create([40, 40, 20], new SequenceCursor());

        Assert.Equal(500, FusedRotation.TryCreate(sequence, destinations)!.Period);
    }

    [Fact]
    public void The_next_entry_follows_the_rule_cursor()
    {
        var destinations = new[] { 90, 10 }.Select((w, d) => new RuleDestination(RoundRobinPool(3, 0, d), w, false)).ToArray();
        var cursor = new SequenceCursor(start: 41);
        var sequence = WeightedSequence.Create([90, 10], cursor);
        var fused = FusedRotation.TryCreate(sequence, destinations)!;

        for (var call = 0u; call < 100; call++)
        {
            Assert.Equal(fused.At(41 + call), fused.Next());
        }
    }

    [Fact]
    public void A_destination_without_endpoints_has_entries_without_a_candidate()
    {
        var empty = new EndpointPool(TagSet.Empty, null, LoadBalancingStrategy.RoundRobin, [], new SequenceCursor(), RouteFailure.NoRoutableEndpoints);
        RuleDestination[] destinations = [new(RoundRobinPool(2, 0, 0), 50, false), new(empty, 50, false)];
        var fused = FusedRotation.TryCreate(WeightedSequence.Create([50, 50], new SequenceCursor()), destinations)!;

        // The empty destination adds nothing to the period: 2 (the rule) times 2 rounds of the 2-endpoint rotation.
        Assert.Equal(4, fused.Period);
        Assert.Equal(["10.0.0.2", "10.0.0.3"], new uint[] { 0, 2 }.Select(p => fused.At(p).Candidate!.Endpoint.Address));
        Assert.All(new uint[] { 1, 3 }, p => Assert.Same(destinations[1], fused.At(p).Destination));
        Assert.All(new uint[] { 1, 3 }, p => Assert.Null(fused.At(p).Candidate));
    }

    [Fact]
    public void No_table_when_the_combined_period_is_too_long()
    {
        // 2/2/1 over 7, 11 and 13 endpoints repeats after 5 * 1001 calls.
        var destinations = new[] { 40, 40, 20 }.Select((w, d) => new RuleDestination(RoundRobinPool(new[] { 7, 11, 13 }[d], 0, d), w, false)).ToArray();

        Assert.Null(FusedRotation.TryCreate(WeightedSequence.Create([40, 40, 20], new SequenceCursor()), destinations));
    }

    [Fact]
    public void The_longest_table_kept_is_max_entries()
    {
        RuleDestination[] at = [new(RoundRobinPool(FusedRotation.MaxEntries, 0, 0), 100, false)];
        RuleDestination[] over = [new(RoundRobinPool(FusedRotation.MaxEntries + 1, 0, 0), 100, false)];

        Assert.Equal(FusedRotation.MaxEntries, FusedRotation.TryCreate(WeightedSequence.Create([100], new SequenceCursor()), at)!.Period);
        Assert.Null(FusedRotation.TryCreate(WeightedSequence.Create([100], new SequenceCursor()), over));
    }

    [Fact]
    public void No_table_when_a_destination_is_not_a_single_round_robin()
    {
        var candidates = Candidates.Plain(2);
        var twoLevels = new EndpointPool(
            TagSet.Empty,
            null,
            LoadBalancingStrategy.RoundRobin,
            [new PriorityLevel(0, new RoundRobinSelector(candidates[..1]), 1), new PriorityLevel(1, new RoundRobinSelector(candidates[1..]), 1)],
            new SequenceCursor(),
            RouteFailure.NoRoutableEndpoints);
        var random = new EndpointPool(
            TagSet.Empty,
            null,
            LoadBalancingStrategy.Random,
            [new PriorityLevel(0, new RandomSelector(candidates, SharedRandomSource.Instance, false), 2)],
            new SequenceCursor(),
            RouteFailure.NoRoutableEndpoints);
        var sequence = WeightedSequence.Create([50, 50], new SequenceCursor());

        Assert.Null(FusedRotation.TryCreate(sequence, [new(RoundRobinPool(2, 0, 0), 50, false), new(twoLevels, 50, false)]));
        Assert.Null(FusedRotation.TryCreate(sequence, [new(random, 50, false), new(RoundRobinPool(2, 0, 1), 50, false)]));
    }

    [Fact]
    public void A_router_fuses_weighted_round_robin_rules_and_not_random_selection()
    {
        var fused = MeshFixtures.SeedRouter();
        var random = MeshFixtures.SeedRouter(new MeshRouterOptions { WeightSelection = RouteWeightSelection.Random });

        Assert.True(fused.State.GetRoutes("targetService", null).Rules[0].IsFused);
        Assert.False(random.State.GetRoutes("targetService", null).Rules[0].IsFused);
    }

    private static EndpointPool RoundRobinPool(int endpoints, int start, int subnet)
    {
        var candidates = Candidates.Of(Enumerable.Range(1, endpoints).Select(i => new MeshEndpoint($"10.{subnet}.{i / 250}.{(i % 250) + 1}", 8080)).ToArray());
        return new EndpointPool(
            TagSet.Empty,
            null,
            LoadBalancingStrategy.RoundRobin,
            [new PriorityLevel(0, new RoundRobinSelector(candidates, new SequenceCursor(start), useLocalityWeights: false), endpoints)],
            new SequenceCursor(),
            RouteFailure.NoRoutableEndpoints);
    }
}
