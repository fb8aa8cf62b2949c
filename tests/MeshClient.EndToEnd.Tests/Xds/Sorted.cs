namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>Names in ordinal order, so lists compare whatever order they were sent in.</summary>
internal static class Sorted
{
    public static string[] Of(IEnumerable<string> names) => [.. names.Order(StringComparer.Ordinal)];

    public static string[] Of(params string[] names) => Of(names.AsEnumerable());
}
