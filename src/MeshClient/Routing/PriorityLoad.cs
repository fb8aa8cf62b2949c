namespace MeshClient.Routing;

/// <summary>
/// How calls are shared between priority levels, as Envoy computes it: a level's health is its healthy share of
/// endpoints times the overprovisioning factor 1.4, at most 100 %; levels take load in order, each up to its health
/// (scaled up when all levels together are below 100 %), the rest spilling to the next. When no level has a healthy
/// endpoint, the first level takes every call.
/// </summary>
internal static class PriorityLoad
{
    /// <summary>The overprovisioning factor, in percent.</summary>
    public const int OverprovisioningFactor = 140;

    /// <summary>A level's health in percent.</summary>
    public static int Health(int healthy, int total) =>
        total == 0 ? 0 : (int)Math.Min(100, (long)OverprovisioningFactor * healthy / total);

    /// <summary>Turns the levels' health (in percent) into their load (in percent, summing to 100) in place.</summary>
    public static void Distribute(Span<int> healthToLoad)
    {
        var totalHealth = 0;
        foreach (var health in healthToLoad)
        {
            totalHealth += health;
        }

        totalHealth = Math.Min(100, totalHealth);
        if (totalHealth == 0)
        {
            healthToLoad.Clear();
            healthToLoad[0] = 100;
            return;
        }

        var remaining = 100;
        var firstHealthy = -1;
        for (var i = 0; i < healthToLoad.Length; i++)
        {
            var health = healthToLoad[i];
            if (health > 0 && firstHealthy < 0)
            {
                firstHealthy = i;
            }

            var load = Math.Min(remaining, health * 100 / totalHealth);
            healthToLoad[i] = load;
            remaining -= load;
        }

        // What rounding left over goes to the first healthy level.
        healthToLoad[firstHealthy] += remaining;
    }

    /// <summary>The level a position (0 to 99) falls in.</summary>
    public static int LevelAt(ReadOnlySpan<int> loads, int position)
    {
        var cumulative = 0;
        for (var i = 0; i < loads.Length; i++)
        {
            cumulative += loads[i];
            if (position < cumulative)
            {
                return i;
            }
        }

        return loads.Length - 1;
    }
}
