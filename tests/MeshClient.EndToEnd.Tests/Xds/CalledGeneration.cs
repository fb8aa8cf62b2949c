namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// One endpoint set of a called service during the churn: its ports, the <see cref="OrderClock"/> reading taken just
/// before FakePilot was told to serve it (<see cref="Requested"/>), and the reading taken just after the app's registry
/// was seen holding it (<see cref="Published"/>). A call whose start tick is above <see cref="Published"/> started after
/// the set was published; a call whose end tick is at most <see cref="Requested"/> ended before FakePilot served it.
/// </summary>
internal sealed record CalledGeneration(int Index, IReadOnlySet<int> Ports, long Requested, long Published);
