// The user-assigned identity one region's function app runs as. It exists before the app, so its role assignments
// (storage in both regions, Key Vault, Event Grid) are in place when the app first resolves its settings.

param name string

@description('Region of the identity (the app\'s).')
param location string

param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
