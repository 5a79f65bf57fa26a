// One region's storage account: the service's tables and queues, the function app's host storage, and the blob
// container Flex Consumption deploys the app package from. Only Microsoft Entra ID: shared keys are off.

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Region of the account.')
param location string

@description('Redundancy inside the region: GZRS (zones + a geo copy the service does not rely on) or ZRS.')
@allowed(['Standard_GZRS', 'Standard_ZRS'])
param sku string

@description('Blob container the function app package is deployed to.')
param deploymentContainerName string

@description('Queue the primary region wakes its replication function with (ReplicationWakeUps.QueueName).')
param replicationQueueName string = 'replication'

param tags object = {}

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: sku }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

// The service creates its tables at start-up; the service resource is declared so the account has one.
resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: account
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-06-01' = {
  parent: account
  name: 'default'
}

// Declared so the queue trigger of the first start has a queue to watch before the service has written to it.
resource replicationQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = {
  parent: queueService
  name: replicationQueueName
}

output name string = account.name
output id string = account.id
output blobServiceUri string = account.properties.primaryEndpoints.blob
output tableServiceUri string = account.properties.primaryEndpoints.table
output queueServiceUri string = account.properties.primaryEndpoints.queue
output deploymentContainerUri string = '${account.properties.primaryEndpoints.blob}${deploymentContainer.name}'
