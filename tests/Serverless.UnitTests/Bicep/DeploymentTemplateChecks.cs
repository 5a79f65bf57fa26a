using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.UnitTests.Bicep;

/// <summary>What the compiled deployment template must hold for the service to run in two regions. Each check returns
/// the problems it found (empty when the template is right), so a test can also show that a broken template fails it.</summary>
public static partial class DeploymentTemplateChecks
{
    public static readonly string[] Regions = ["primary", "secondary"];

    // Built-in role definition ids (the same on every tenant).
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    public const string EventGridDataSender = "d5a91429-5739-47e2-a06b-3470a27159e7";

    /// <summary>The OpenTelemetry metrics the service emits (shared/Telemetry), each of which needs a dashboard tile.</summary>
    public static readonly string[] Metrics =
    [
        "serverless.messages.published", "serverless.messages.delivered", "serverless.messages.acked",
        "serverless.messages.nacked", "serverless.messages.dead_lettered", "serverless.messages.expired",
        "serverless.requests.throttled", "serverless.queue.depth", "serverless.replication.lag_seconds",
        "serverless.replication.lag_messages", "serverless.failovers", "serverless.request.duration",
    ];

    public static IReadOnlyList<string> Storage(ArmTemplate arm)
    {
        var problems = new List<string>();
        foreach (var region in Regions)
        {
            if (!InRegion(arm, $"storage-{region}", region, problems, out var deployment)) continue;
            var accounts = ArmTemplate.Resources(ArmTemplate.NestedTemplate(deployment), "Microsoft.Storage/storageAccounts").ToList();
            if (accounts.Count != 1) { problems.Add($"storage-{region}: {accounts.Count} storage accounts"); continue; }
            var properties = accounts[0]["properties"];
            if (properties?["allowSharedKeyAccess"]?.GetValueKind() != System.Text.Json.JsonValueKind.False)
            {
                problems.Add($"storage-{region}: allowSharedKeyAccess is not false");
            }
            if (ArmTemplate.ParameterValue(deployment, "sku") != "[parameters('storageSku')]") problems.Add($"storage-{region}: sku is not the storageSku parameter");
            if (!ArmTemplate.Resources(ArmTemplate.NestedTemplate(deployment), "Microsoft.Storage/storageAccounts/blobServices/containers").Any())
            {
                problems.Add($"storage-{region}: no blob container for the deployment package");
            }
        }
        return problems;
    }

    public static IReadOnlyList<string> FunctionApps(ArmTemplate arm)
    {
        var problems = new List<string>();
        foreach (var region in Regions)
        {
            if (!InRegion(arm, $"function-app-{region}", region, problems, out var deployment)) continue;
            var template = ArmTemplate.NestedTemplate(deployment);
            var plan = ArmTemplate.Resources(template, "Microsoft.Web/serverfarms").SingleOrDefault();
            if ((string?)plan?["sku"]?["tier"] != "FlexConsumption" || (string?)plan?["sku"]?["name"] != "FC1")
            {
                problems.Add($"function-app-{region}: the plan is not Flex Consumption (FC1)");
            }
            var config = ArmTemplate.Resources(template, "Microsoft.Web/sites").SingleOrDefault()?["properties"]?["functionAppConfig"];
            if ((string?)config?["runtime"]?["name"] != "dotnet-isolated" || (string?)config?["runtime"]?["version"] != "10.0")
            {
                problems.Add($"function-app-{region}: runtime is not dotnet-isolated 10.0");
            }
            if ((string?)config?["deployment"]?["storage"]?["authentication"]?["type"] is not ("UserAssignedIdentity" or "SystemAssignedIdentity"))
            {
                problems.Add($"function-app-{region}: the deployment storage is not reached with the app's identity");
            }
            if (!(config?["scaleAndConcurrency"]?["alwaysReady"]?.ToJsonString() ?? "").Contains("alwaysReadyInstances", StringComparison.Ordinal))
            {
                problems.Add($"function-app-{region}: always-ready instances are not the parameter");
            }
            if (!ArmTemplate.ParameterValue(deployment, "deploymentContainerUri").Contains($"'storage-{region}'", StringComparison.Ordinal))
            {
                problems.Add($"function-app-{region}: the package is not deployed from its own region's storage");
            }
        }
        return problems;
    }

    /// <summary>Both apps' settings: both stores by service URI (identity), the host's storage and the wake-up queue
    /// trigger's connection with the managed identity, the secrets as Key Vault references, the app's own region.</summary>
    public static IReadOnlyList<string> AppSettings(ArmTemplate arm)
    {
        var problems = new List<string>();
        foreach (var region in Regions)
        {
            var deployment = arm.Deployment($"function-app-{region}");
            var settings = deployment is null ? null : ArmTemplate.Resources(ArmTemplate.NestedTemplate(deployment), "Microsoft.Web/sites/config")
                .SingleOrDefault(c => ((string?)c["name"] ?? "").Contains("appsettings", StringComparison.Ordinal))?["properties"]?.AsObject();
            if (settings is null) { problems.Add($"function-app-{region}: no app settings"); continue; }
            string Setting(string key) => settings[key] is JsonValue value && value.TryGetValue(out string? text) ? text : "";
            foreach (var store in new[] { "Primary", "Secondary" })
            {
                foreach (var key in new[] { "Name", "TableServiceUri", "QueueServiceUri" })
                {
                    if (Setting($"Regions__{store}__{key}").Length == 0) problems.Add($"function-app-{region}: Regions__{store}__{key} is not set");
                }
            }
            if (settings.Any(s => s.Key.StartsWith("Regions__", StringComparison.Ordinal) && s.Key.Contains("ConnectionString", StringComparison.Ordinal)))
            {
                problems.Add($"function-app-{region}: a Regions connection string is set (the service would use shared keys)");
            }
            if (Setting("AzureWebJobsStorage__credential") != "managedidentity") problems.Add($"function-app-{region}: AzureWebJobsStorage__credential is not managedidentity");
            if (Setting("AzureWebJobsRegions__Primary__ConnectionString__credential") != "managedidentity")
            {
                problems.Add($"function-app-{region}: the replication queue trigger's connection has no managed identity");
            }
            foreach (var secret in new[] { "Auth__AdminKey", "EventGrid__TopicKey" })
            {
                if (!Setting(secret).Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal)) problems.Add($"function-app-{region}: {secret} is not a Key Vault reference");
            }
            foreach (var key in new[] { "EventGrid__TopicEndpoint", "APPLICATIONINSIGHTS_CONNECTION_STRING" })
            {
                if (Setting(key).Length == 0) problems.Add($"function-app-{region}: {key} is not set");
            }
            if (Setting("Telemetry__Region") != "[parameters('location')]") problems.Add($"function-app-{region}: Telemetry__Region is not the app's region");
        }
        return problems;
    }

    public static IReadOnlyList<string> StorageRoles(ArmTemplate arm)
    {
        var problems = new List<string>();
        foreach (var app in Regions)
        {
            foreach (var store in Regions)
            {
                var name = $"storage-access-{app}-app-{store}-storage";
                var deployment = arm.Deployment(name);
                if (deployment is null) { problems.Add($"{name}: missing"); continue; }
                if (!ArmTemplate.ParameterValue(deployment, "storageAccountName").Contains($"{store}StorageName", StringComparison.Ordinal)) problems.Add($"{name}: not on the {store} account");
                if (!ArmTemplate.ParameterValue(deployment, "identityName").Contains($"{app}Identity", StringComparison.Ordinal)) problems.Add($"{name}: not for the {app} app's identity");
                var roles = ArmTemplate.GrantedRoles(ArmTemplate.NestedTemplate(deployment));
                foreach (var (role, id) in new[] { ("Storage Table Data Contributor", StorageTableDataContributor), ("Storage Queue Data Contributor", StorageQueueDataContributor), ("Storage Blob Data Owner", StorageBlobDataOwner) })
                {
                    if (!roles.Contains(id)) problems.Add($"{name}: {role} is not granted");
                }
            }
        }
        return problems;
    }

    public static IReadOnlyList<string> ServiceRoles(ArmTemplate arm)
    {
        var problems = new List<string>();
        foreach (var app in Regions)
        {
            var name = $"service-access-{app}-app";
            var deployment = arm.Deployment(name);
            if (deployment is null) { problems.Add($"{name}: missing"); continue; }
            if (!ArmTemplate.ParameterValue(deployment, "identityName").Contains($"{app}Identity", StringComparison.Ordinal)) problems.Add($"{name}: not for the {app} app's identity");
            var roles = ArmTemplate.GrantedRoles(ArmTemplate.NestedTemplate(deployment));
            if (!roles.Contains(KeyVaultSecretsUser)) problems.Add($"{name}: Key Vault Secrets User is not granted");
            if (!roles.Contains(EventGridDataSender)) problems.Add($"{name}: EventGrid Data Sender is not granted");
        }
        return problems;
    }

    public static IReadOnlyList<string> FrontDoor(ArmTemplate arm)
    {
        var problems = new List<string>();
        var deployment = arm.Deployment("front-door");
        if (deployment is null) return ["front-door: missing"];
        var template = ArmTemplate.NestedTemplate(deployment);
        if ((string?)ArmTemplate.Resources(template, "Microsoft.Cdn/profiles").SingleOrDefault()?["sku"]?["name"] is not ("Standard_AzureFrontDoor" or "Premium_AzureFrontDoor"))
        {
            problems.Add("front-door: no Front Door Standard profile");
        }
        var probe = ArmTemplate.Resources(template, "Microsoft.Cdn/profiles/originGroups").SingleOrDefault()?["properties"]?["healthProbeSettings"];
        if ((string?)probe?["probePath"] != "/api/health") problems.Add("front-door: the health probe is not on /api/health");
        var origins = ArmTemplate.Resources(template, "Microsoft.Cdn/profiles/originGroups/origins").ToList();
        foreach (var (region, priority) in new[] { ("primary", 1), ("secondary", 2) })
        {
            var origin = origins.FirstOrDefault(o => (string?)o["properties"]?["hostName"] == $"[parameters('{region}HostName')]");
            if (origin is null) { problems.Add($"front-door: no origin for the {region} app"); continue; }
            if ((int?)origin["properties"]?["priority"] != priority) problems.Add($"front-door: the {region} origin's priority is not {priority}");
            if (!ArmTemplate.ParameterValue(deployment, $"{region}HostName").Contains($"'function-app-{region}'", StringComparison.Ordinal))
            {
                problems.Add($"front-door: the {region} origin is not the {region} function app");
            }
        }
        if (!ArmTemplate.Resources(template, "Microsoft.Cdn/profiles/afdEndpoints/routes").Any()) problems.Add("front-door: no route");
        return problems;
    }

    /// <summary>Application Insights (on a Log Analytics workspace), the Event Grid topic and the Key Vault in RBAC mode.</summary>
    public static IReadOnlyList<string> SharedResources(ArmTemplate arm)
    {
        var problems = new List<string>();
        var resources = arm.Templates().SelectMany(ArmTemplate.Resources).ToList();
        JsonObject? Find(string type) => resources.FirstOrDefault(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));
        if (Find("Microsoft.OperationalInsights/workspaces") is null) problems.Add("no Log Analytics workspace");
        if (Find("Microsoft.Insights/components") is null) problems.Add("no Application Insights");
        if (Find("Microsoft.EventGrid/topics") is null) problems.Add("no Event Grid topic");
        var vault = Find("Microsoft.KeyVault/vaults");
        if (vault is null) problems.Add("no Key Vault");
        else if (vault["properties"]?["enableRbacAuthorization"]?.GetValueKind() != System.Text.Json.JsonValueKind.True) problems.Add("the Key Vault is not in RBAC mode");
        if (!resources.Any(r => (string?)r["type"] == "Microsoft.KeyVault/vaults/secrets" && (string?)r["properties"]?["value"] == "[parameters('adminKey')]"))
        {
            problems.Add("the admin key is not a Key Vault secret");
        }
        return problems;
    }

    /// <summary>The dashboard: a chart per metric (its query names it), an errors chart, links to the API, and every
    /// placeholder in dashboard.json filled in by the template.</summary>
    public static IReadOnlyList<string> Dashboard(ArmTemplate arm)
    {
        var deployment = arm.Deployment("dashboard");
        var template = deployment is null ? null : ArmTemplate.NestedTemplate(deployment);
        if (template is null || !ArmTemplate.Resources(template, "Microsoft.Portal/dashboards").Any()) return ["dashboard: no Microsoft.Portal/dashboards resource"];
        var variables = template["variables"]?.AsObject() ?? [];
        var layout = variables.Select(v => v.Value).OfType<JsonObject>().FirstOrDefault(v => v["lenses"] is not null);
        if (layout is null) return ["dashboard: no dashboard layout (lenses) in the template"];
        var parts = layout["lenses"]!.AsArray().SelectMany(lens => lens!["parts"]!.AsArray()).OfType<JsonObject>().ToList();
        var queries = parts.Select(p => p["metadata"]?["inputs"]?.AsArray().FirstOrDefault(i => (string?)i?["name"] == "Query")?["value"]?.GetValue<string>())
            .OfType<string>().ToList();
        var problems = new List<string>();
        foreach (var metric in Metrics)
        {
            if (!queries.Any(q => q.Contains($"\"{metric}\"", StringComparison.Ordinal))) problems.Add($"dashboard: no tile charts {metric}");
        }
        if (!queries.Any(q => q.Contains("serverless.request.duration", StringComparison.Ordinal) && q.Contains(">= 500", StringComparison.Ordinal)))
        {
            problems.Add("dashboard: no tile charts errors (5xx answers)");
        }
        if (queries.Any(q => !q.Contains("region", StringComparison.Ordinal) && q.StartsWith("customMetrics", StringComparison.Ordinal)))
        {
            problems.Add("dashboard: a metric tile is not split by region");
        }
        var markdown = string.Join("\n", parts.Select(p => (string?)p["metadata"]?["settings"]?["content"]?["content"]).OfType<string>());
        foreach (var link in new[] { "/api/v1", "/api/openapi/v1.json", "/api/health" })
        {
            if (!markdown.Contains($"https://__API_HOST__{link}", StringComparison.Ordinal)) problems.Add($"dashboard: no link to {link}");
        }
        var substitution = variables["properties"] is JsonValue expression && expression.TryGetValue(out string? text) ? text : "";
        foreach (var placeholder in Placeholder().Matches(layout.ToJsonString()).Select(m => m.Value).Distinct())
        {
            if (!substitution.Contains($"'{placeholder}'", StringComparison.Ordinal)) problems.Add($"dashboard: placeholder {placeholder} is never filled in");
        }
        return problems;
    }

    /// <summary>No parameter that holds a secret, in any template, has a default: a secure one, or one named like a secret.</summary>
    public static IReadOnlyList<string> SecretDefaults(ArmTemplate arm)
    {
        var problems = new List<string>();
        foreach (var template in arm.Templates())
        {
            foreach (var (name, definition) in template["parameters"]?.AsObject() ?? [])
            {
                var type = ((string?)definition?["type"] ?? "").ToLowerInvariant();
                var secret = type is "securestring" or "secureobject" || SecretName().IsMatch(name);
                if (secret && definition!.AsObject().ContainsKey("defaultValue")) problems.Add($"parameter {name} ({type}) has a default value");
            }
        }
        if (arm.Root["parameters"]?["adminKey"]?["type"]?.GetValue<string>() is not "securestring") problems.Add("parameter adminKey is not secure");
        return problems;
    }

    private static bool InRegion(ArmTemplate arm, string name, string region, List<string> problems, out JsonObject deployment)
    {
        deployment = arm.Deployment(name)!;
        if (deployment is null) { problems.Add($"{name}: missing"); return false; }
        if (ArmTemplate.ParameterValue(deployment, "location") != $"[parameters('{region}Location')]") problems.Add($"{name}: not in the {region} region");
        return true;
    }

    [GeneratedRegex("__[A-Z][A-Z_]*__")]
    private static partial Regex Placeholder();

    [GeneratedRegex("(key|secret|password|pwd|token|connectionstring)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
