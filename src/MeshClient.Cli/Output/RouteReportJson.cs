using System.Text;
using System.Text.Json;
using MeshClient.Cli.Distribution;

namespace MeshClient.Cli.Output;

/// <summary>
/// The JSON output of <c>meshctl route --json</c>:
/// <c>{"service":"reviews","calls":1000,"rule":{"number":1,"precedence":2},"subsets":[{"tags":{"version":"v1"},"count":400}],"endpoints":[{"address":"10.1.0.1","port":9080,"count":400}]}</c>.
/// <c>rule</c> is <see cref="RouteDistribution.MainRule"/>, <c>null</c> when no rule matched; a subset's count includes
/// the calls that found no endpoint with its tags, so the endpoint counts add up to the calls that got an endpoint.
/// </summary>
internal static class RouteReportJson
{
    public static string Write(string service, RouteDistribution distribution)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("service", service);
            json.WriteNumber("calls", distribution.Calls);
            if (distribution.MainRule is { Matched: true } rule)
            {
                json.WriteStartObject("rule");
                json.WriteNumber("number", rule.Number);
                json.WriteNumber("precedence", rule.Precedence);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("rule");
            }

            json.WriteStartArray("subsets");
            foreach (var subset in distribution.Subsets)
            {
                json.WriteStartObject();
                json.WriteStartObject("tags");
                foreach (var (name, value) in subset.Tags)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
                json.WriteNumber("count", subset.Count);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("endpoints");
            var hasPriorities = distribution.HasPriorities;
            foreach (var endpoint in distribution.Endpoints)
            {
                json.WriteStartObject();
                json.WriteString("address", endpoint.Address);
                json.WriteNumber("port", endpoint.Port);
                if (hasPriorities)
                {
                    json.WriteNumber("priority", endpoint.Priority);
                }

                json.WriteNumber("count", endpoint.Count);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
