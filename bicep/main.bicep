// Placeholder: the two region-paired table stores the service runs on. The function apps, identity
// role assignments and the dashboard come with the deployment issue.
targetScope = 'resourceGroup'

@description('Region of the primary store, e.g. westeurope.')
param primaryLocation string = resourceGroup().location

@description('Region of the secondary store, the pair of the primary, e.g. northeurope.')
param secondaryLocation string

@description('Suffix that makes resource names unique; defaults to one derived from the resource group.')
param resourceToken string = toLower(uniqueString(subscription().id, resourceGroup().id))

var abbrs = loadJsonContent('abbreviations.json')

module primaryStore 'modules/storage.bicep' = {
  name: 'primary-store'
  params: {
    name: '${abbrs.storageAccount}p${resourceToken}'
    location: primaryLocation
  }
}

module secondaryStore 'modules/storage.bicep' = {
  name: 'secondary-store'
  params: {
    name: '${abbrs.storageAccount}s${resourceToken}'
    location: secondaryLocation
  }
}

output primaryTableServiceUri string = primaryStore.outputs.tableServiceUri
output secondaryTableServiceUri string = secondaryStore.outputs.tableServiceUri
