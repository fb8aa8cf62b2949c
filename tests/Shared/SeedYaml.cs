namespace MeshClient.Tests.Shared;

/// <summary>
/// The go-chassis seed for the reviews service, shared by the test projects: router.yaml sending 40% to v1, 40% to v2
/// with debug, 20% to v3, and the DestinationRule whose subsets carry those tags (as in samples/Demo).
/// </summary>
internal static class SeedYaml
{
    public const string Router = """
        router:
          infra: cse
        routeRule:
          reviews:
            - precedence: 2
              route:
              - tags:
                  version: v1
                weight: 40
              - tags:
                  version: v2
                  debug: true
                weight: 40
              - tags:
                  version: v3
                weight: 20
        """;

    public const string DestinationRule = """
        apiVersion: networking.istio.io/v1alpha3
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          subsets:
          - name: v1
            labels:
              version: v1
          - name: v2
            labels:
              version: v2
              debug: "true"
          - name: v3
            labels:
              version: v3
        """;
}
