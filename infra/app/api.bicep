// The Functions backend on Flex Consumption (Node 22) with a user-assigned identity and exactly the
// app settings src/config.ts reads (plus the platform's own); test/infra checks both directions.
param name string
param location string = resourceGroup().location
param tags object = {}
param appServicePlanId string
@description('Blob container URL the deployment package is uploaded to.')
param deploymentStorageContainerUri string
@description('Storage service URIs: { blob, queue, table }.')
param storageServiceUris object
param identityId string
param identityClientId string
param applicationInsightsConnectionString string
@description('Subnet for VNet integration. Empty: none.')
param virtualNetworkSubnetId string = ''
param instanceMemoryMB int = 2048
param maximumInstanceCount int = 100

@description('foundry and azure-openai speak Responses; foundry-classic the Assistants protocol (retiring 2027-03-31).')
@allowed(['foundry', 'azure-openai', 'foundry-classic'])
param assistantsProvider string
param assistantsEndpoint string
param modelDeployment string
param runQueueName string = 'runs'
param sweepQueueName string = 'sweeps'
param ledgerTablePrefix string = 'ledger'
param deploymentId string
param corsAllowedOrigins string = ''
@description('Let App Service answer CORS for corsAllowedOrigins instead of the app (src/api/cors.ts).')
param platformCorsEnabled bool = false
param emailAllowedDomains string = ''
@description('acs: the send-email workflow passes Idempotency-Key/Repeatability-First-Sent to ACS Email (repeatable requests); none: it cannot recognise a repeat (office365).')
@allowed(['acs', 'none'])
param emailRepeatability string = 'none'
@description('Key Vault secret URI (versionless) holding the send-email Logic App URL.')
param emailUrlSecretUri string

@description('Key Vault secret URI of the Twelve Data key. Empty: get_stock_price uses the offline fixture.')
param stockPriceApiKeySecretUri string = ''
@description('MCP_CALENDAR_URL: the scheduler\'s calendar MCP server. Empty: not set, and the app reports that server not configured.')
param mcpCalendarUrl string = ''
@description('Client id of the API\'s Entra ID app registration. Required: App Service Authentication and the app validate its tokens.')
@minLength(36)
param authClientId string

var serviceName = 'api'

var appSettings = {
  ASSISTANTS_PROVIDER: assistantsProvider
  ASSISTANTS_ENDPOINT: assistantsEndpoint
  MODEL_DEPLOYMENT: modelDeployment
  AZURE_CLIENT_ID: identityClientId
  AzureWebJobsStorage__blobServiceUri: storageServiceUris.blob
  AzureWebJobsStorage__queueServiceUri: storageServiceUris.queue
  AzureWebJobsStorage__tableServiceUri: storageServiceUris.table
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  RUN_QUEUE_NAME: runQueueName
  SWEEP_QUEUE_NAME: sweepQueueName
  LEDGER_TABLE_PREFIX: ledgerTablePrefix
  DEPLOYMENT_ID: deploymentId
  AUTH_MODE: 'cloud'
  // The app validates Entra ID bearer tokens itself too (src/api/auth/entra-bearer.ts), so it stays closed to
  // forged principals even if App Service Authentication were turned off.
  AUTH_ENTRA_TENANT_ID: tenant().tenantId
  AUTH_ENTRA_AUDIENCE: authClientId
  CORS_ALLOWED_ORIGINS: corsAllowedOrigins
  EMAIL_LOGIC_APP_URL: '@Microsoft.KeyVault(SecretUri=${emailUrlSecretUri})'
  EMAIL_ALLOWED_DOMAINS: emailAllowedDomains
  EMAIL_REPEATABILITY: emailRepeatability
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// Live quotes only with a key; without one the app's default, the fixture, answers and says its prices are not live.
// App settings are replaced as a whole on each provision: one set by hand (az functionapp config appsettings set)
// is gone after the next `azd provision`, so the MCP server URL comes in as a parameter.
var mcpSettings = !empty(mcpCalendarUrl) ? { MCP_CALENDAR_URL: mcpCalendarUrl } : {}

var marketDataSettings = !empty(stockPriceApiKeySecretUri) ? { STOCK_PRICE_PROVIDER: 'twelvedata', STOCK_PRICE_API_KEY: '@Microsoft.KeyVault(SecretUri=${stockPriceApiKeySecretUri})' } : {}

// The protocol, said explicitly rather than left to the app's per-provider default. No api-version: the v1 APIs
// take none, and foundry-classic always sends v1.
var responsesSettings = assistantsProvider != 'foundry-classic' ? { UPSTREAM_PROTOCOL: 'responses' } : {}
var assistantsSettings = assistantsProvider == 'foundry-classic' ? { UPSTREAM_PROTOCOL: 'assistants' } : {}

var corsOrigins = empty(corsAllowedOrigins) ? [] : map(split(corsAllowedOrigins, ','), origin => trim(origin))

// App Service Authentication (Easy Auth), always on: tokens are validated when present and the platform fills
// X-MS-CLIENT-PRINCIPAL for the authenticated ones (and sets WEBSITE_AUTH_ENABLED=True, which the app requires
// before it trusts that header). Anonymous requests still reach the app, which answers 401 itself, so errors keep
// the app's {error:{code,message}} shape; only /api/health is served to them. The web chat at the site root sends
// a signed-out visitor to /.auth/login/aad itself (src/web/site.ts): a platform redirect (RedirectToLoginPage)
// would answer API callers with HTML, and an excluded /api path would skip token validation for the API.
var authSettings = {
  platform: { enabled: true }
  globalValidation: {
    requireAuthentication: false
    unauthenticatedClientAction: 'AllowAnonymous'
  }
  identityProviders: {
    azureActiveDirectory: {
      enabled: true
      registration: {
        clientId: authClientId
        openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
      }
      validation: {
        allowedAudiences: [authClientId, 'api://${authClientId}']
      }
    }
  }
  login: { tokenStore: { enabled: false } }
}

module functionApp 'br/public:avm/res/web/site:0.15.1' = {
  name: '${serviceName}-flex-consumption'
  params: {
    kind: 'functionapp,linux'
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': serviceName })
    serverFarmResourceId: appServicePlanId
    managedIdentities: {
      systemAssigned: false
      userAssignedResourceIds: [identityId]
    }
    // Resolves the EMAIL_LOGIC_APP_URL Key Vault reference with the app's identity.
    keyVaultAccessIdentityResourceId: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentStorageContainerUri
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Platform CORS answers preflights itself and replaces the app's CORS headers (exposed Location and
      // Retry-After, credentials for named origins), so by default it stays empty and the app serves CORS.
      cors: {
        allowedOrigins: platformCorsEnabled ? corsOrigins : []
        supportCredentials: false
      }
    }
    virtualNetworkSubnetId: !empty(virtualNetworkSubnetId) ? virtualNetworkSubnetId : null
    appSettingsKeyValuePairs: union(appSettings, responsesSettings, assistantsSettings, marketDataSettings, mcpSettings)
    authSettingV2Configuration: authSettings
  }
}

output name string = functionApp.outputs.name
output uri string = 'https://${functionApp.outputs.defaultHostname}'
