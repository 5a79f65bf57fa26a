// One region's function app on Flex Consumption: its plan, the app (runtime dotnet-isolated 10.0, package deployed
// from a blob container with the app's identity) and its settings. Both regions' apps get the same Regions settings:
// each one serves the whole service, and the topology decides which store takes writes.

param name string
param planName string

@description('Region the app runs in; also its Telemetry:Region, the region dimension of its metrics.')
param location string

@description('azd service this app is deployed as (the azd-service-name tag azure.yaml finds it by).')
param serviceName string

param tags object = {}

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (for DefaultAzureCredential and the host\'s identity-based connections).')
param identityClientId string

@description('Blob container URI the app package is deployed to (https://<account>.blob.core.windows.net/<container>).')
param deploymentContainerUri string

@description('The app region\'s storage endpoints for the Functions host (AzureWebJobsStorage): blob, queue, table.')
param hostStorage { blobServiceUri: string, queueServiceUri: string, tableServiceUri: string }

@description('The service\'s two stores (Regions:Primary, Regions:Secondary): name and table and queue endpoints.')
param regions {
  primary: { name: string, tableServiceUri: string, queueServiceUri: string }
  secondary: { name: string, tableServiceUri: string, queueServiceUri: string }
}

param applicationInsightsName string

@description('Key Vault secret URI of the admin key (Auth:AdminKey).')
param adminKeyUri string

@description('Event Grid topic endpoint (EventGrid:TopicEndpoint).')
param eventGridTopicEndpoint string

@description('Key Vault secret URI of the Event Grid topic key (EventGrid:TopicKey).')
param eventGridTopicKeyUri string

@description('Instances kept warm for the HTTP functions (0 for none: the first request after idle waits for a start).')
@minValue(0)
@maxValue(1000)
param alwaysReadyInstances int

@description('Origins allowed to call the API from a browser: the platform answers CORS, as devhost does from Cors:AllowedOrigins.')
param corsAllowedOrigins array

@allowed([512, 2048, 4096])
param instanceMemoryMB int

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      cors: {
        allowedOrigins: corsAllowedOrigins
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUri
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        alwaysReady: alwaysReadyInstances > 0 ? [{ name: 'http', instanceCount: alwaysReadyInstances }] : []
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    // The Functions host's own storage (locks, timer schedules), in the app's region, with the app's identity.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: hostStorage.blobServiceUri
    AzureWebJobsStorage__queueServiceUri: hostStorage.queueServiceUri
    AzureWebJobsStorage__tableServiceUri: hostStorage.tableServiceUri
    // DefaultAzureCredential (the service's storage clients) picks the user-assigned identity by this client id.
    AZURE_CLIENT_ID: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // The two stores. With service URIs and no connection string the service uses DefaultAzureCredential.
    Regions__Primary__Name: regions.primary.name
    Regions__Primary__TableServiceUri: regions.primary.tableServiceUri
    Regions__Primary__QueueServiceUri: regions.primary.queueServiceUri
    Regions__Secondary__Name: regions.secondary.name
    Regions__Secondary__TableServiceUri: regions.secondary.tableServiceUri
    Regions__Secondary__QueueServiceUri: regions.secondary.queueServiceUri
    // ReplicateChanges' queue trigger names the connection "Regions:Primary:ConnectionString". The host looks for
    // "AzureWebJobs" + that name first, so the identity-based connection lives there: under the unprefixed name its
    // sub-keys would make Regions:Primary:ConnectionString a section, which the service's options cannot bind as a string.
    AzureWebJobsRegions__Primary__ConnectionString__queueServiceUri: regions.primary.queueServiceUri
    AzureWebJobsRegions__Primary__ConnectionString__credential: 'managedidentity'
    AzureWebJobsRegions__Primary__ConnectionString__clientId: identityClientId
    Auth__AdminKey: '@Microsoft.KeyVault(SecretUri=${adminKeyUri})'
    EventGrid__TopicEndpoint: eventGridTopicEndpoint
    EventGrid__TopicKey: '@Microsoft.KeyVault(SecretUri=${eventGridTopicKeyUri})'
    Telemetry__Region: location
  }
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
