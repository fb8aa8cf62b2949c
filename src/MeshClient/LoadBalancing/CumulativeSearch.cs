namespace MeshClient.LoadBalancing;

/// <summary>Finds where a point falls in a table of running totals.</summary>
internal static class CumulativeSearch
{
    /// <summary>The first index whose running total is greater than <paramref name="point"/>.</summary>
    public static int Find(ReadOnlySpan<double> cumulative, double point)
    {
        int low = 0, high = cumulative.Length - 1;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (cumulative[mid] > point)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low;
    }
}
