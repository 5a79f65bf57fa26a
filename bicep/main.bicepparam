// Parameters for a deployment in the westeurope/northeurope pair. azd reads its environment here
// (AZURE_ENV_NAME); the admin key comes from SERVERLESS_ADMIN_KEY and is never written to a file.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'serverless')
param primaryLocation = 'westeurope'
param secondaryLocation = 'northeurope'
param storageSku = 'Standard_GZRS'
param alwaysReadyInstances = 1
param adminKey = readEnvironmentVariable('SERVERLESS_ADMIN_KEY')
