// The vault that holds the service's secrets; the apps read them through Key Vault references in their settings.
// RBAC mode: access is a role assignment (Key Vault Secrets User, see service-access.bicep), not an access policy.

@description('Key Vault name (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Region of the vault (the primary\'s).')
param location string

@description('The service\'s admin key (Auth:AdminKey): may do everything. At least 16 characters.')
@secure()
@minLength(16)
param adminKey string

param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource adminKeySecret 'Microsoft.KeyVault/vaults/secrets@2026-02-01' = {
  parent: vault
  name: 'admin-key'
  properties: {
    value: adminKey
    contentType: 'text/plain'
  }
}

output name string = vault.name
output id string = vault.id
@description('URI of the admin key secret (no version: the apps read the latest).')
output adminKeyUri string = adminKeySecret.properties.secretUri
