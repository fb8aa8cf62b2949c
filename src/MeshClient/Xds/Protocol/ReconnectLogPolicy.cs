namespace MeshClient.Xds.Protocol;

/// <summary>
/// Which failed connection attempts get a Warning line of their own: the first few in a row, one each; after that a
/// summary at 10, 20, 40, 80... failures in a row (doubling), so a Pilot down for a day writes a handful of lines,
/// not thousands. The others are logged at Debug.
/// </summary>
internal static class ReconnectLogPolicy
{
    /// <summary>How many failures in a row are each logged as a Warning line.</summary>
    public const int IndividualLines = 5;

    /// <summary>The failure count of the first summary line.</summary>
    public const int FirstSummary = 10;

    /// <summary>What to log for the <paramref name="failures"/>-th failure in a row.</summary>
    /// <param name="failures">Failures in a row, from 1.</param>
    public static ReconnectLogLine Decide(int failures)
    {
        if (failures <= IndividualLines)
        {
            return ReconnectLogLine.Attempt;
        }

        if (failures < FirstSummary)
        {
            return ReconnectLogLine.Quiet;
        }

        // A summary at FirstSummary * 2^k.
        var ratio = failures / FirstSummary;
        return failures % FirstSummary == 0 && (ratio & (ratio - 1)) == 0 ? ReconnectLogLine.Summary : ReconnectLogLine.Quiet;
    }

    /// <summary>The failure count of the next summary after <paramref name="failures"/>.</summary>
    public static int NextSummary(int failures)
    {
        var next = FirstSummary;
        while (next <= failures)
        {
            next *= 2;
        }

        return next;
    }
}

/// <summary>What a failed connection attempt logs.</summary>
internal enum ReconnectLogLine
{
    /// <summary>A Warning line for this attempt: reason and next delay.</summary>
    Attempt,

    /// <summary>Debug only.</summary>
    Quiet,

    /// <summary>A Warning summary of the failures in a row.</summary>
    Summary,
}
