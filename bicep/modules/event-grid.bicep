// The Event Grid topic the service publishes its events to (CloudEvents 1.0). The service sends with one of the
// topic's keys (EventGrid:TopicKey), so local authentication stays on; the key is kept in Key Vault, never in a
// setting. The apps also hold EventGrid Data Sender (service-access.bicep) for sending with their identity.

param name string

@description('Region of the topic (the primary\'s).')
param location string

@description('Key Vault that receives the topic key as the secret event-grid-topic-key.')
param keyVaultName string

param tags object = {}

resource topic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    publicNetworkAccess: 'Enabled'
    disableLocalAuth: false
  }
}

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' existing = {
  name: keyVaultName
}

resource topicKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-02-01' = {
  parent: vault
  name: 'event-grid-topic-key'
  properties: {
    value: topic.listKeys().key1
    contentType: 'text/plain'
  }
}

output name string = topic.name
output id string = topic.id
output endpoint string = topic.properties.endpoint
@description('URI of the Key Vault secret holding the topic key (no version: the apps read the latest).')
output topicKeyUri string = topicKeySecret.properties.secretUri
