using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Serverless.Storage;

namespace Serverless.UnitTests.Bicep;

/// <summary>The compiled deployment template holds what the service needs in two regions. Each check is also run on a
/// template broken on purpose, to show it would catch the omission.</summary>
public sealed class DeploymentTemplateTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    private static readonly Dictionary<string, Func<ArmTemplate, IReadOnlyList<string>>> Checks = new()
    {
        ["storage"] = DeploymentTemplateChecks.Storage,
        ["function apps"] = DeploymentTemplateChecks.FunctionApps,
        ["app settings"] = DeploymentTemplateChecks.AppSettings,
        ["storage roles"] = DeploymentTemplateChecks.StorageRoles,
        ["service roles"] = DeploymentTemplateChecks.ServiceRoles,
        ["front door"] = DeploymentTemplateChecks.FrontDoor,
        ["shared resources"] = DeploymentTemplateChecks.SharedResources,
        ["dashboard"] = DeploymentTemplateChecks.Dashboard,
        ["secret defaults"] = DeploymentTemplateChecks.SecretDefaults,
    };

    [Fact]
    public void Both_regions_get_a_storage_account_without_shared_keys() =>
        Assert.Empty(DeploymentTemplateChecks.Storage(compiled.Template));

    [Fact]
    public void Both_regions_get_a_flex_consumption_app_on_dotnet_isolated_10() =>
        Assert.Empty(DeploymentTemplateChecks.FunctionApps(compiled.Template));

    [Fact]
    public void Both_apps_reach_both_stores_with_their_identity_and_read_secrets_from_key_vault() =>
        Assert.Empty(DeploymentTemplateChecks.AppSettings(compiled.Template));

    [Fact]
    public void Each_app_gets_table_queue_and_blob_roles_on_both_accounts() =>
        Assert.Empty(DeploymentTemplateChecks.StorageRoles(compiled.Template));

    [Fact]
    public void Each_app_may_read_key_vault_secrets_and_send_to_event_grid() =>
        Assert.Empty(DeploymentTemplateChecks.ServiceRoles(compiled.Template));

    [Fact]
    public void Front_door_routes_to_the_primary_app_first_and_probes_api_health() =>
        Assert.Empty(DeploymentTemplateChecks.FrontDoor(compiled.Template));

    [Fact]
    public void Application_insights_event_grid_and_key_vault_are_deployed() =>
        Assert.Empty(DeploymentTemplateChecks.SharedResources(compiled.Template));

    [Fact]
    public void Dashboard_charts_every_metric_per_region_and_links_the_api() =>
        Assert.Empty(DeploymentTemplateChecks.Dashboard(compiled.Template));

    [Fact]
    public void No_secret_parameter_has_a_default_value() =>
        Assert.Empty(DeploymentTemplateChecks.SecretDefaults(compiled.Template));

    public static TheoryData<string, string, string> Breakages() => new()
    {
        { "storage", "secondary account allows shared keys", "storage-secondary: allowSharedKeyAccess is not false" },
        { "storage", "primary account moved to the secondary region", "storage-primary: not in the primary region" },
        { "function apps", "secondary app on .NET 8", "function-app-secondary: runtime is not dotnet-isolated 10.0" },
        { "function apps", "primary app missing", "function-app-primary: missing" },
        { "app settings", "secondary app without the secondary store's table endpoint", "function-app-secondary: Regions__Secondary__TableServiceUri is not set" },
        { "app settings", "primary app with the admin key in plain text", "function-app-primary: Auth__AdminKey is not a Key Vault reference" },
        { "storage roles", "secondary app without blob access on the primary account", "storage-access-secondary-app-primary-storage: Storage Blob Data Owner is not granted" },
        { "storage roles", "primary app's roles on the secondary account missing", "storage-access-primary-app-secondary-storage: missing" },
        { "service roles", "primary app cannot read secrets", "service-access-primary-app: Key Vault Secrets User is not granted" },
        { "front door", "health probe on /", "front-door: the health probe is not on /api/health" },
        { "front door", "secondary origin first", "front-door: the secondary origin's priority is not 2" },
        { "shared resources", "no Event Grid topic", "no Event Grid topic" },
        { "shared resources", "no Application Insights", "no Application Insights" },
        { "dashboard", "no failovers tile", "dashboard: no tile charts serverless.failovers" },
        { "dashboard", "no OpenAPI link", "dashboard: no link to /api/openapi/v1.json" },
        { "secret defaults", "admin key with a default", "parameter adminKey (securestring) has a default value" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void A_check_fails_on_a_template_that_lacks_what_it_checks(string check, string breakage, string problem)
    {
        var broken = compiled.Template.Clone();
        Break(broken, breakage);

        Assert.Contains(problem, Checks[check](broken));
    }

    [Fact]
    public void The_app_settings_bind_to_both_regions_service_uris_and_no_connection_string()
    {
        // What the service reads (RegionsOptions) from the settings the template writes: the template's keys with
        // example values. The trigger's identity-based connection must not turn Regions:Primary:ConnectionString into
        // a section, which the binder cannot turn into the string property.
        var deployment = compiled.Template.Deployment("function-app-primary")!;
        var settings = ArmTemplate.Resources(ArmTemplate.NestedTemplate(deployment), "Microsoft.Web/sites/config").Single()["properties"]!.AsObject();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(
            setting.Key.Replace("__", ":", StringComparison.Ordinal),
            (string?)(setting.Key.EndsWith("Uri", StringComparison.OrdinalIgnoreCase) ? $"https://{setting.Key.ToLowerInvariant().Replace("__", "-", StringComparison.Ordinal)}.example/" : "value")))).Build();

        var regions = configuration.GetSection(RegionsOptions.SectionName).Get<RegionsOptions>()!;

        Assert.Null(regions.Primary.ConnectionString);
        Assert.Null(regions.Secondary.ConnectionString);
        Assert.NotNull(regions.Primary.TableServiceUri);
        Assert.NotNull(regions.Primary.QueueServiceUri);
        Assert.NotNull(regions.Secondary.TableServiceUri);
        Assert.NotNull(regions.Secondary.QueueServiceUri);
        Assert.False(regions.IsEmpty);
    }

    [Fact]
    public void Azure_yaml_deploys_the_functions_project_to_the_app_of_each_region()
    {
        // azd finds a service's app by its azd-service-name tag: each app's tag must be a service of azure.yaml that
        // builds ./functions as a function app, and azd must provision bicep/main.
        var services = AzureYamlServices(out var infra);
        var tagged = Regions().Select(region => ArmTemplate.ParameterValue(compiled.Template.Deployment($"function-app-{region}")!, "serviceName")).ToList();

        Assert.Equal(["bicep", "main"], infra);
        Assert.Equal(tagged.Order(), services.Keys.Order());
        Assert.All(services.Values, service => Assert.Equal(("./functions", "dotnet", "function"), service));
    }

    private static string[] Regions() => DeploymentTemplateChecks.Regions;

    /// <summary>azure.yaml's services (project, language, host) and infra (path, module): a line reader for its flat shape.</summary>
    private static Dictionary<string, (string Project, string Language, string Host)> AzureYamlServices(out string[] infra)
    {
        var lines = File.ReadAllLines(Path.Combine(ExternalTool.RepoRoot, "azure.yaml")).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToList();
        string Value(IEnumerable<string> block, string key) =>
            block.Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith($"{key}:", StringComparison.Ordinal))?[(key.Length + 1)..].Trim() ?? "";
        List<string> Block(int start) => [.. lines.Skip(start + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))];
        var infraBlock = Block(lines.IndexOf("infra:"));
        infra = [Value(infraBlock, "path"), Value(infraBlock, "module")];
        var services = new Dictionary<string, (string, string, string)>();
        var serviceLines = Block(lines.IndexOf("services:"));
        for (var i = 0; i < serviceLines.Count; i++)
        {
            if (serviceLines[i].StartsWith("    ", StringComparison.Ordinal)) continue;
            var block = serviceLines.Skip(i + 1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal)).ToList();
            services[serviceLines[i].Trim().TrimEnd(':')] = (Value(block, "project"), Value(block, "language"), Value(block, "host"));
        }
        return services;
    }

    private static void Break(ArmTemplate arm, string breakage)
    {
        JsonObject Nested(string deployment) => ArmTemplate.NestedTemplate(arm.Deployment(deployment)!);
        JsonObject Resource(string deployment, string type) => ArmTemplate.Resources(Nested(deployment), type).First();
        JsonObject Settings(string deployment) => Resource(deployment, "Microsoft.Web/sites/config")["properties"]!.AsObject();
        void RemoveResources(string type)
        {
            foreach (var template in arm.Templates())
            {
                if (template["resources"] is JsonArray resources)
                {
                    foreach (var resource in resources.OfType<JsonObject>().Where(r => (string?)r["type"] == type).ToList()) resources.Remove(resource);
                }
            }
        }

        switch (breakage)
        {
            case "secondary account allows shared keys":
                Resource("storage-secondary", "Microsoft.Storage/storageAccounts")["properties"]!["allowSharedKeyAccess"] = true;
                break;
            case "primary account moved to the secondary region":
                arm.Deployment("storage-primary")!["properties"]!["parameters"]!["location"]!["value"] = "[parameters('secondaryLocation')]";
                break;
            case "secondary app on .NET 8":
                Resource("function-app-secondary", "Microsoft.Web/sites")["properties"]!["functionAppConfig"]!["runtime"]!["version"] = "8.0";
                break;
            case "primary app missing":
                arm.Deployment("function-app-primary")!["name"] = "renamed";
                break;
            case "secondary app without the secondary store's table endpoint":
                Settings("function-app-secondary").Remove("Regions__Secondary__TableServiceUri");
                break;
            case "primary app with the admin key in plain text":
                Settings("function-app-primary")["Auth__AdminKey"] = "[parameters('adminKeyUri')]";
                break;
            case "secondary app without blob access on the primary account":
                var resources = Nested("storage-access-secondary-app-primary-storage")["resources"]!.AsArray();
                resources.Remove(resources.OfType<JsonObject>().Single(r => ((string?)r["properties"]!["roleDefinitionId"])!.Contains("storageBlobDataOwner", StringComparison.Ordinal)));
                break;
            case "primary app's roles on the secondary account missing":
                arm.Deployment("storage-access-primary-app-secondary-storage")!["name"] = "renamed";
                break;
            case "primary app cannot read secrets":
                Nested("service-access-primary-app")["variables"]!["keyVaultSecretsUser"] = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
                break;
            case "health probe on /":
                Resource("front-door", "Microsoft.Cdn/profiles/originGroups")["properties"]!["healthProbeSettings"]!["probePath"] = "/";
                break;
            case "secondary origin first":
                ArmTemplate.Resources(Nested("front-door"), "Microsoft.Cdn/profiles/originGroups/origins")
                    .Single(o => (string?)o["properties"]!["hostName"] == "[parameters('secondaryHostName')]")["properties"]!["priority"] = 1;
                break;
            case "no Event Grid topic":
                RemoveResources("Microsoft.EventGrid/topics");
                break;
            case "no Application Insights":
                RemoveResources("Microsoft.Insights/components");
                break;
            case "no failovers tile":
            case "no OpenAPI link":
                var layout = Nested("dashboard")["variables"]!.AsObject().Select(v => v.Value).OfType<JsonObject>().Single(v => v["lenses"] is not null);
                var parts = layout["lenses"]![0]!["parts"]!.AsArray();
                var text = breakage == "no failovers tile" ? "\"serverless.failovers\"" : "/api/openapi/v1.json";
                foreach (var part in parts.Where(p => p!.ToJsonString().Contains(text.Replace("\"", "\\u0022", StringComparison.Ordinal), StringComparison.Ordinal) || p!.ToJsonString().Contains(text, StringComparison.Ordinal)).ToList()) parts.Remove(part);
                break;
            case "admin key with a default":
                arm.Root["parameters"]!["adminKey"]!["defaultValue"] = "0123456789abcdef";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, "no such breakage");
        }
    }
}
