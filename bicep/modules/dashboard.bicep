// The Azure portal dashboard: the service's OpenTelemetry metrics per region, from Application Insights
// customMetrics, and links to the API. The tiles live in ../dashboard.json; this fills in its placeholders.

param name string

@description('Title shown in the portal.')
param title string

param location string
param applicationInsightsId string

@description('Host name the API is reached at (the Front Door endpoint).')
param apiHostName string

param tags object = {}

var template = loadJsonContent('../dashboard.json')
var properties = json(replace(replace(string(template), '__APPLICATION_INSIGHTS_ID__', applicationInsightsId), '__API_HOST__', apiHostName))

resource dashboard 'Microsoft.Portal/dashboards@2025-04-01-preview' = {
  name: name
  location: location
  tags: union(tags, { 'hidden-title': title })
  properties: properties
}

output id string = dashboard.id
