// Front Door (Standard) in front of both regions' apps. Priority routing: every request goes to the primary
// region's app while its health probe (/api/health) answers 200, else to the secondary's. Either app serves the
// whole service: the topology, not Front Door, decides which region's store takes writes.

param profileName string
param endpointName string

@description('Host name of the primary region\'s function app (origin priority 1).')
param primaryHostName string

@description('Host name of the secondary region\'s function app (origin priority 2).')
param secondaryHostName string

@description('Origin names, e.g. the regions (az afd origin update --origin-name).')
param originNames { primary: string, secondary: string }

@description('Seconds between health probes from each Front Door point of presence.')
@minValue(5)
@maxValue(255)
param healthProbeIntervalSeconds int = 30

param tags object = {}

resource profile 'Microsoft.Cdn/profiles@2025-06-01' = {
  name: profileName
  location: 'global'
  tags: tags
  sku: { name: 'Standard_AzureFrontDoor' }
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2025-06-01' = {
  parent: profile
  name: endpointName
  location: 'global'
  tags: tags
  properties: {
    enabledState: 'Enabled'
  }
}

resource originGroup 'Microsoft.Cdn/profiles/originGroups@2025-06-01' = {
  parent: profile
  name: 'functions'
  properties: {
    sessionAffinityState: 'Disabled'
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 0
    }
    healthProbeSettings: {
      probePath: '/api/health'
      probeRequestType: 'GET'
      probeProtocol: 'Https'
      probeIntervalInSeconds: healthProbeIntervalSeconds
    }
  }
}

resource primaryOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2025-06-01' = {
  parent: originGroup
  name: originNames.primary
  properties: {
    hostName: primaryHostName
    originHostHeader: primaryHostName
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
  }
}

resource secondaryOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2025-06-01' = {
  parent: originGroup
  name: originNames.secondary
  properties: {
    hostName: secondaryHostName
    originHostHeader: secondaryHostName
    httpPort: 80
    httpsPort: 443
    priority: 2
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
  }
}

// No caching: every API call reaches an app.
resource route 'Microsoft.Cdn/profiles/afdEndpoints/routes@2025-06-01' = {
  parent: endpoint
  name: 'api'
  // A route needs an origin in its group when it is created.
  dependsOn: [primaryOrigin, secondaryOrigin]
  properties: {
    originGroup: { id: originGroup.id }
    supportedProtocols: ['Http', 'Https']
    httpsRedirect: 'Enabled'
    patternsToMatch: ['/*']
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    enabledState: 'Enabled'
  }
}

output profileName string = profile.name
output hostName string = endpoint.properties.hostName
