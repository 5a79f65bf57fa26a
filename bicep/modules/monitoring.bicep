// One Log Analytics workspace and one Application Insights resource for both regions: every metric carries a
// `region` dimension, so the dashboard shows the regions apart from one place.

param logAnalyticsName string
param applicationInsightsName string

@description('Region of the workspace (the primary\'s).')
param location string

@description('Days Log Analytics keeps logs and metrics.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

param tags object = {}

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // The Functions host sends with Microsoft Entra ID (APPLICATIONINSIGHTS_AUTHENTICATION_STRING); the worker's
    // OpenTelemetry exporter sends with the connection string, so local authentication stays on.
    DisableLocalAuth: false
  }
}

output applicationInsightsName string = applicationInsights.name
output applicationInsightsId string = applicationInsights.id
output logAnalyticsId string = workspace.id
