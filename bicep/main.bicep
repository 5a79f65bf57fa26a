// The serverless queue service in two paired regions: per region a storage account and a Flex Consumption function
// app; shared by both, monitoring, Key Vault, an Event Grid topic, Front Door and the portal dashboard.
// Deploy with `azd up`, or `az deployment sub create` with main.bicepparam (see docs/deploy.md).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd\'s AZURE_ENV_NAME): names the resource group and seeds the unique resource names.')
param environmentName string

@description('Region of the primary store, which takes writes at first start, e.g. westeurope.')
param primaryLocation string

@description('The paired region whose store mirrors the primary, e.g. northeurope. Must differ from primaryLocation.')
param secondaryLocation string

@description('Resource group to create or update; empty for rg-<environmentName>.')
param resourceGroupName string = ''

@description('Storage redundancy inside each region: Standard_GZRS or Standard_ZRS. The service replicates across regions itself.')
@allowed(['Standard_GZRS', 'Standard_ZRS'])
param storageSku string = 'Standard_GZRS'

@description('Instances kept warm per region for the HTTP functions; 0 lets an idle region scale to zero.')
@minValue(0)
@maxValue(1000)
param alwaysReadyInstances int = 1

@description('Origins of browser apps allowed to call the API (CORS), e.g. https://app.contoso.com; empty: none.')
param corsAllowedOrigins array = []

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances each region\'s app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('The service\'s admin key (Auth:AdminKey), at least 16 characters. Stored in Key Vault only.')
@secure()
@minLength(16)
param adminKey string

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName))
var tags = { 'azd-env-name': environmentName }
// Storage account names are global, 3-24 lowercase letters and digits: the token and as much of the region as fits.
var primaryStorageName = take(toLower('${abbrs.storageAccount}${resourceToken}${primaryLocation}'), 24)
var secondaryStorageName = take(toLower('${abbrs.storageAccount}${resourceToken}${secondaryLocation}'), 24)
var deploymentContainerName = 'app-package'
// Names known before deployment, so modules that look resources up by name keep What-If precise.
var names = {
  logAnalytics: '${abbrs.logAnalyticsWorkspace}${resourceToken}'
  applicationInsights: '${abbrs.applicationInsights}${resourceToken}'
  keyVault: '${abbrs.keyVault}${resourceToken}'
  eventGridTopic: '${abbrs.eventGridTopic}${resourceToken}'
  primaryIdentity: '${abbrs.managedIdentity}${resourceToken}-${primaryLocation}'
  secondaryIdentity: '${abbrs.managedIdentity}${resourceToken}-${secondaryLocation}'
}

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: empty(resourceGroupName) ? '${abbrs.resourceGroup}${environmentName}' : resourceGroupName
  location: primaryLocation
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: primaryLocation
    tags: tags
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: names.keyVault
    location: primaryLocation
    adminKey: adminKey
    tags: tags
  }
}

module eventGrid 'modules/event-grid.bicep' = {
  name: 'event-grid'
  scope: rg
  dependsOn: [keyVault]
  params: {
    name: names.eventGridTopic
    location: primaryLocation
    keyVaultName: names.keyVault
    tags: tags
  }
}

module primaryStorage 'modules/storage.bicep' = {
  name: 'storage-primary'
  scope: rg
  params: {
    name: primaryStorageName
    location: primaryLocation
    sku: storageSku
    deploymentContainerName: deploymentContainerName
    tags: tags
  }
}

module secondaryStorage 'modules/storage.bicep' = {
  name: 'storage-secondary'
  scope: rg
  params: {
    name: secondaryStorageName
    location: secondaryLocation
    sku: storageSku
    deploymentContainerName: deploymentContainerName
    tags: tags
  }
}

module primaryIdentity 'modules/identity.bicep' = {
  name: 'identity-primary'
  scope: rg
  params: {
    name: names.primaryIdentity
    location: primaryLocation
    tags: tags
  }
}

module secondaryIdentity 'modules/identity.bicep' = {
  name: 'identity-secondary'
  scope: rg
  params: {
    name: names.secondaryIdentity
    location: secondaryLocation
    tags: tags
  }
}

// Each app on both accounts: either region's app reads and writes both stores.
module primaryAppOnPrimaryStorage 'modules/storage-access.bicep' = {
  name: 'storage-access-primary-app-primary-storage'
  scope: rg
  dependsOn: [primaryStorage, primaryIdentity]
  params: {
    storageAccountName: primaryStorageName
    identityName: names.primaryIdentity
  }
}

module primaryAppOnSecondaryStorage 'modules/storage-access.bicep' = {
  name: 'storage-access-primary-app-secondary-storage'
  scope: rg
  dependsOn: [secondaryStorage, primaryIdentity]
  params: {
    storageAccountName: secondaryStorageName
    identityName: names.primaryIdentity
  }
}

module secondaryAppOnPrimaryStorage 'modules/storage-access.bicep' = {
  name: 'storage-access-secondary-app-primary-storage'
  scope: rg
  dependsOn: [primaryStorage, secondaryIdentity]
  params: {
    storageAccountName: primaryStorageName
    identityName: names.secondaryIdentity
  }
}

module secondaryAppOnSecondaryStorage 'modules/storage-access.bicep' = {
  name: 'storage-access-secondary-app-secondary-storage'
  scope: rg
  dependsOn: [secondaryStorage, secondaryIdentity]
  params: {
    storageAccountName: secondaryStorageName
    identityName: names.secondaryIdentity
  }
}

module primaryServiceAccess 'modules/service-access.bicep' = {
  name: 'service-access-primary-app'
  scope: rg
  dependsOn: [primaryIdentity, keyVault, eventGrid, monitoring]
  params: {
    identityName: names.primaryIdentity
    keyVaultName: names.keyVault
    eventGridTopicName: names.eventGridTopic
    applicationInsightsName: names.applicationInsights
  }
}

module secondaryServiceAccess 'modules/service-access.bicep' = {
  name: 'service-access-secondary-app'
  scope: rg
  dependsOn: [secondaryIdentity, keyVault, eventGrid, monitoring]
  params: {
    identityName: names.secondaryIdentity
    keyVaultName: names.keyVault
    eventGridTopicName: names.eventGridTopic
    applicationInsightsName: names.applicationInsights
  }
}

// Both apps get the same two stores; only the region they run in (and so their host storage) differs.
var serviceRegions = {
  primary: {
    name: primaryLocation
    tableServiceUri: primaryStorage.outputs.tableServiceUri
    queueServiceUri: primaryStorage.outputs.queueServiceUri
  }
  secondary: {
    name: secondaryLocation
    tableServiceUri: secondaryStorage.outputs.tableServiceUri
    queueServiceUri: secondaryStorage.outputs.queueServiceUri
  }
}

module primaryApp 'modules/function-app.bicep' = {
  name: 'function-app-primary'
  scope: rg
  // The app resolves its Key Vault references and reaches storage as soon as it exists: grant first.
  dependsOn: [primaryAppOnPrimaryStorage, primaryAppOnSecondaryStorage, primaryServiceAccess, monitoring]
  params: {
    name: '${abbrs.functionApp}${resourceToken}-${primaryLocation}'
    planName: '${abbrs.appServicePlan}${resourceToken}-${primaryLocation}'
    location: primaryLocation
    serviceName: 'functions'
    tags: tags
    identityId: primaryIdentity.outputs.id
    identityClientId: primaryIdentity.outputs.clientId
    deploymentContainerUri: primaryStorage.outputs.deploymentContainerUri
    hostStorage: {
      blobServiceUri: primaryStorage.outputs.blobServiceUri
      queueServiceUri: primaryStorage.outputs.queueServiceUri
      tableServiceUri: primaryStorage.outputs.tableServiceUri
    }
    regions: serviceRegions
    applicationInsightsName: names.applicationInsights
    adminKeyUri: keyVault.outputs.adminKeyUri
    eventGridTopicEndpoint: eventGrid.outputs.endpoint
    eventGridTopicKeyUri: eventGrid.outputs.topicKeyUri
    alwaysReadyInstances: alwaysReadyInstances
    corsAllowedOrigins: corsAllowedOrigins
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
}

module secondaryApp 'modules/function-app.bicep' = {
  name: 'function-app-secondary'
  scope: rg
  dependsOn: [secondaryAppOnPrimaryStorage, secondaryAppOnSecondaryStorage, secondaryServiceAccess, monitoring]
  params: {
    name: '${abbrs.functionApp}${resourceToken}-${secondaryLocation}'
    planName: '${abbrs.appServicePlan}${resourceToken}-${secondaryLocation}'
    location: secondaryLocation
    serviceName: 'functions-secondary'
    tags: tags
    identityId: secondaryIdentity.outputs.id
    identityClientId: secondaryIdentity.outputs.clientId
    deploymentContainerUri: secondaryStorage.outputs.deploymentContainerUri
    hostStorage: {
      blobServiceUri: secondaryStorage.outputs.blobServiceUri
      queueServiceUri: secondaryStorage.outputs.queueServiceUri
      tableServiceUri: secondaryStorage.outputs.tableServiceUri
    }
    regions: serviceRegions
    applicationInsightsName: names.applicationInsights
    adminKeyUri: keyVault.outputs.adminKeyUri
    eventGridTopicEndpoint: eventGrid.outputs.endpoint
    eventGridTopicKeyUri: eventGrid.outputs.topicKeyUri
    alwaysReadyInstances: alwaysReadyInstances
    corsAllowedOrigins: corsAllowedOrigins
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
}

module frontDoor 'modules/front-door.bicep' = {
  name: 'front-door'
  scope: rg
  params: {
    profileName: '${abbrs.frontDoorProfile}${resourceToken}'
    endpointName: '${abbrs.frontDoorEndpoint}${resourceToken}'
    primaryHostName: primaryApp.outputs.defaultHostName
    secondaryHostName: secondaryApp.outputs.defaultHostName
    originNames: { primary: primaryLocation, secondary: secondaryLocation }
    tags: tags
  }
}

module dashboard 'modules/dashboard.bicep' = {
  name: 'dashboard'
  scope: rg
  params: {
    name: '${abbrs.dashboard}${resourceToken}'
    title: 'Serverless queue service (${environmentName})'
    location: primaryLocation
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    apiHostName: frontDoor.outputs.hostName
    tags: tags
  }
}

output AZURE_LOCATION string = primaryLocation
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output primaryFunctionAppName string = primaryApp.outputs.name
output secondaryFunctionAppName string = secondaryApp.outputs.name
output primaryFunctionAppUrl string = 'https://${primaryApp.outputs.defaultHostName}'
output secondaryFunctionAppUrl string = 'https://${secondaryApp.outputs.defaultHostName}'
output frontDoorEndpoint string = 'https://${frontDoor.outputs.hostName}'
output apiUrl string = 'https://${frontDoor.outputs.hostName}/api/v1'
output frontDoorProfileName string = frontDoor.outputs.profileName
output primaryTableServiceUri string = primaryStorage.outputs.tableServiceUri
output primaryQueueServiceUri string = primaryStorage.outputs.queueServiceUri
output secondaryTableServiceUri string = secondaryStorage.outputs.tableServiceUri
output secondaryQueueServiceUri string = secondaryStorage.outputs.queueServiceUri
output keyVaultName string = keyVault.outputs.name
output applicationInsightsName string = monitoring.outputs.applicationInsightsName
output dashboardId string = dashboard.outputs.id
