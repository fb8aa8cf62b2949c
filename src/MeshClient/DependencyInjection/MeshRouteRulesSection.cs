using Microsoft.Extensions.Configuration;

namespace MeshClient.DependencyInjection;

/// <summary>The configuration section that may hold route rules (<c>Mesh:Routing:Rules</c>), when options come from configuration.</summary>
internal sealed record MeshRouteRulesSection(IConfigurationSection Section);
