// `azd up` entry point: one resource group holding the Functions backend (Flex Consumption),
// its storage, monitoring, Key Vault, the model (Foundry) and the send-email Logic App.
// test/infra checks this template against src/config.ts; run `npx vitest run test/infra` after edits.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment: names the resource group, seeds unique names and becomes DEPLOYMENT_ID.')
param environmentName string

@minLength(1)
@description('Primary location for all resources: a region that offers the Flex Consumption plan.')
// The Flex Consumption regions, as Azure-Samples/functions-quickstart-typescript-azd lists them (without the
// eastus2euap canary): any other region fails only at plan creation, minutes into `azd up`.
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the user or service principal running azd (azd sets AZURE_PRINCIPAL_ID).')
param principalId string = ''

@description('Kind of principal principalId is: User locally, ServicePrincipal in CI.')
@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

@description('Skip the deployer\'s debugging data roles (storage, Key Vault, monitoring), e.g. for a CI service principal. Its model roles stay: the postdeploy assistants sync needs them.')
param skipDeployerRoleAssignments bool = false

@description('Integrate the function app with a new VNet and reach storage over private endpoints.')
param vnetEnabled bool = false

@description('Upstream provider the app talks to: foundry (Responses at the Foundry project endpoint), azure-openai (Responses on the Azure OpenAI v1 API) or foundry-classic (Foundry Agent Service classic on the Assistants protocol, which retires on 2027-03-31).')
@allowed(['foundry', 'azure-openai', 'foundry-classic'])
param assistantsProvider string = 'foundry'

@description('An existing Foundry project endpoint (foundry, foundry-classic) or Azure OpenAI endpoint (azure-openai). Empty: create a Foundry resource.')
param existingAssistantsEndpoint string = ''

@description('Resource id of the existing endpoint\'s Cognitive Services account, so the app identity gets its model roles there. Empty: assign them yourself.')
param existingModelAccountResourceId string = ''

@description('Region of the Foundry resource, where the model has quota. Empty: location.')
param aiLocation string = ''

// A GA model with the Responses API and tools. Checked 2026-12-01 against Microsoft's Foundry model
// retirement schedule (docs/deploy.md, "Choosing the model"): gpt-5.1 2025-11-13 is GA until 2027-05-15
// and the listed replacement of gpt-4o, whose versions retired on 2026-10-01.
@description('Model to deploy on the created Foundry resource (azd env set AZURE_MODEL_NAME).')
param modelName string = 'gpt-5.1'

@description('Version of that model (azd env set AZURE_MODEL_VERSION).')
param modelVersion string = '2025-11-13'

@description('Deployment SKU: GlobalStandard, Standard, DataZoneStandard ...')
param modelSkuName string = 'GlobalStandard'

@description('Deployment capacity in thousands of tokens per minute.')
param modelCapacity int = 30

@description('Name of the model deployment (MODEL_DEPLOYMENT). Empty: the model name.')
param modelDeploymentName string = ''

@description('Browser origins allowed to call the API, comma-separated (* for any). Empty: none.')
param corsAllowedOrigins string = ''

@description('Have App Service answer CORS for corsAllowedOrigins instead of the app itself (which also exposes Location/Retry-After and allows credentials).')
param platformCorsEnabled bool = false

@description('Recipient domains send_email may write to, comma-separated. Empty: send_email refuses every recipient.')
param emailAllowedDomains string = ''

@description('acs: Azure Communication Services Email with an Azure-managed domain (fully automated). office365: an Office 365 Outlook connection (one manual consent after deployment).')
@allowed(['acs', 'office365'])
param emailProvider string = 'acs'

@description('Where Azure Communication Services stores email data at rest.')
param emailDataLocation string = 'United States'

@secure()
@description('Twelve Data API key for live get_stock_price quotes (azd env set STOCK_PRICE_API_KEY). Empty: the offline fixture answers, and the tool and health say its prices are not live.')
param stockPriceApiKey string = ''

@description('The scheduler assistant\'s calendar MCP server endpoint (azd env set MCP_CALENDAR_URL https://.../mcp). Empty: in Azure that server is not configured (its tools are not offered; /api/health says to set MCP_CALENDAR_URL).')
param mcpCalendarUrl string = ''

@description('Client id of an existing Entra ID app registration for the API. Empty: azd up creates one (app/api-auth.bicep). Either way App Service Authentication and the app validate its tokens; there is no unauthenticated deployment.')
param authClientId string = ''

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentStorageContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var aiAccountName = '${abbrs.cognitiveServicesAccounts}${resourceToken}'
var communicationServiceName = '${abbrs.communicationCommunicationServices}${resourceToken}'

// Names the app reads through RUN_QUEUE_NAME, SWEEP_QUEUE_NAME and LEDGER_TABLE_PREFIX; created here so nothing waits on first use.
var runQueueName = 'runs'
var sweepQueueName = 'sweeps'
var ledgerTablePrefix = 'ledger'
var ledgerTables = [for suffix in ['Threads', 'Runs', 'ToolCalls', 'RunEvents', 'Leases', 'Files', 'Sweeps']: { name: '${ledgerTablePrefix}${suffix}' }]

var createModel = empty(existingAssistantsEndpoint)
var modelDeployment = !empty(modelDeploymentName) ? modelDeploymentName : modelName
var assistantsEndpoint = !createModel
  ? existingAssistantsEndpoint
  : (assistantsProvider == 'azure-openai' ? ai!.outputs.openAiEndpoint : ai!.outputs.projectEndpoint)
// A stand-in id keeps the (skipped) existing-account module's scope expression valid when none is given.
var existingModelAccountId = !empty(existingModelAccountResourceId)
  ? existingModelAccountResourceId
  : '${rg.id}/providers/Microsoft.CognitiveServices/accounts/none'
var existingModelAccountParts = split(existingModelAccountId, '/')
var deployerDataRolesEnabled = !empty(principalId) && !skipDeployerRoleAssignments

var storageSuffix = environment().suffixes.storage
var storageServiceUris = {
  blob: 'https://${storageAccountName}.blob.${storageSuffix}'
  queue: 'https://${storageAccountName}.queue.${storageSuffix}'
  table: 'https://${storageAccountName}.table.${storageSuffix}'
}

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The app's one identity: storage, Key Vault references, App Insights ingestion and the model.
module apiIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'apiIdentity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module appServicePlan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'appServicePlan'
  scope: rg
  params: {
    name: '${abbrs.webServerFarms}${resourceToken}'
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
    location: location
    tags: tags
  }
}

module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    skuName: 'Standard_LRS'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false // identity only: no connection strings anywhere
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
    networkAcls: vnetEnabled
      ? { defaultAction: 'Deny', bypass: 'None' }
      : { defaultAction: 'Allow', bypass: 'AzureServices' }
    blobServices: {
      containers: [{ name: deploymentStorageContainerName }]
    }
    queueServices: {
      queues: [{ name: runQueueName }, { name: '${runQueueName}-poison' }, { name: sweepQueueName }, { name: '${sweepQueueName}-poison' }]
    }
    tableServices: {
      tables: ledgerTables
    }
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'logAnalytics'
  scope: rg
  params: {
    name: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
    dataRetention: 30
  }
}

module appInsights 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'appInsights'
  scope: rg
  params: {
    name: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true // ingestion with Entra ID only (APPLICATIONINSIGHTS_AUTHENTICATION_STRING)
  }
}

module keyVault 'br/public:avm/res/key-vault/vault:0.5.1' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    sku: 'standard'
    enableRbacAuthorization: true
    enableVaultForDeployment: false
    enableVaultForTemplateDeployment: false
    enablePurgeProtection: false // `azd down --purge` must be able to remove it
  }
}

module ai 'app/ai.bicep' = if (createModel) {
  name: 'ai'
  scope: rg
  params: {
    name: aiAccountName
    projectName: '${abbrs.cognitiveServicesProjects}${resourceToken}'
    location: !empty(aiLocation) ? aiLocation : location
    tags: tags
    modelName: modelName
    modelVersion: modelVersion
    modelSkuName: modelSkuName
    modelCapacity: modelCapacity
    deploymentName: modelDeployment
  }
}

module acsEmail 'app/acs-email.bicep' = if (emailProvider == 'acs') {
  name: 'acsEmail'
  scope: rg
  params: {
    communicationServiceName: communicationServiceName
    emailServiceName: '${abbrs.communicationEmailServices}${resourceToken}'
    dataLocation: emailDataLocation
    tags: tags
  }
}

module marketData 'app/market-data-secret.bicep' = if (!empty(stockPriceApiKey)) {
  name: 'marketData'
  scope: rg
  params: {
    keyVaultName: keyVault.outputs.name
    tags: tags
    apiKey: stockPriceApiKey
  }
}

module email 'app/logic-app-email.bicep' = {
  name: 'email'
  scope: rg
  params: {
    name: '${abbrs.logicWorkflows}send-email'
    location: location
    tags: tags
    emailProvider: emailProvider
    keyVaultName: keyVault.outputs.name
    communicationServiceName: communicationServiceName
    acsEndpoint: emailProvider == 'acs' ? acsEmail!.outputs.endpoint : ''
    senderAddress: emailProvider == 'acs' ? acsEmail!.outputs.senderAddress : ''
  }
}

module vnet 'app/vnet.bicep' = if (vnetEnabled) {
  name: 'vnet'
  scope: rg
  params: {
    name: '${abbrs.networkVirtualNetworks}${resourceToken}'
    location: location
    tags: tags
  }
}

module storagePrivateEndpoints 'app/storage-private-endpoints.bicep' = if (vnetEnabled) {
  name: 'storagePrivateEndpoints'
  scope: rg
  params: {
    location: location
    tags: tags
    virtualNetworkName: vnet!.outputs.name
    subnetName: vnet!.outputs.privateEndpointSubnetName
    storageAccountName: storage.outputs.name
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: apiIdentity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    appInsightsName: appInsights.outputs.name
  }
}

module deployerRbac 'app/rbac-deployer.bicep' = if (deployerDataRolesEnabled) {
  name: 'deployerRbac'
  scope: rg
  params: {
    principalId: principalId
    principalType: principalType
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    appInsightsName: appInsights.outputs.name
  }
}

module modelRbac 'app/rbac-model.bicep' = if (createModel) {
  name: 'modelRbac'
  scope: rg
  params: {
    accountName: ai!.outputs.accountName
    appPrincipalId: apiIdentity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

// Same roles on an existing account, wherever its resource group is.
module existingModelRbac 'app/rbac-model.bicep' = if (!createModel && !empty(existingModelAccountResourceId)) {
  name: 'existingModelRbac'
  scope: resourceGroup(existingModelAccountParts[2], existingModelAccountParts[4])
  params: {
    accountName: last(existingModelAccountParts)
    appPrincipalId: apiIdentity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

// Authentication is part of every deployment: an empty authClientId creates the registration instead of turning
// authentication off.
module apiAuth 'app/api-auth.bicep' = if (empty(authClientId)) {
  name: 'api-auth'
  scope: rg
  params: {
    uniqueName: 'assistants-api-${resourceToken}'
    displayName: 'Assistants API (${environmentName})'
    // The site's default host name (Flex Consumption: <name>.azurewebsites.net), known before the site exists.
    webSignInRedirectUri: 'https://${functionAppName}.azurewebsites.net/.auth/login/aad/callback'
  }
}
var apiClientId = empty(authClientId) ? apiAuth!.outputs.clientId : authClientId

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    location: location
    tags: tags
    appServicePlanId: appServicePlan.outputs.resourceId
    deploymentStorageContainerUri: '${storageServiceUris.blob}/${deploymentStorageContainerName}'
    storageServiceUris: storageServiceUris
    identityId: apiIdentity.outputs.resourceId
    identityClientId: apiIdentity.outputs.clientId
    applicationInsightsConnectionString: appInsights.outputs.connectionString
    virtualNetworkSubnetId: vnetEnabled ? vnet!.outputs.appSubnetId : ''
    assistantsProvider: assistantsProvider
    assistantsEndpoint: assistantsEndpoint
    modelDeployment: modelDeployment
    runQueueName: runQueueName
    sweepQueueName: sweepQueueName
    ledgerTablePrefix: ledgerTablePrefix
    deploymentId: environmentName
    corsAllowedOrigins: corsAllowedOrigins
    platformCorsEnabled: platformCorsEnabled
    emailAllowedDomains: emailAllowedDomains
    // Only the ACS workflow recognises repeats (ACS Email repeatable requests); Office 365 would send twice.
    emailRepeatability: emailProvider == 'acs' ? 'acs' : 'none'
    emailUrlSecretUri: email.outputs.callbackUrlSecretUri
    stockPriceApiKeySecretUri: !empty(stockPriceApiKey) ? marketData!.outputs.secretUri : ''
    mcpCalendarUrl: mcpCalendarUrl
    authClientId: apiClientId
  }
  // The host starts with the app; give it its storage and Key Vault roles first.
  dependsOn: [rbac]
}

// Outputs land in the azd environment (.azure/<env>/.env) and in hooks' environment. Never secrets:
// the Logic App URL stays in Key Vault, storage has no keys, App Insights is reached with Entra ID.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
// The web chat, served by the Function app at its root; the postdeploy hook prints it (azure.yaml).
output WEB_URL string = '${api.outputs.uri}/'
output AZURE_API_CLIENT_ID string = apiClientId
output AZURE_API_SCOPE string = 'api://${apiClientId}/access_as_user'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output EMAIL_LOGIC_APP_NAME string = email.outputs.name

// What `npm run assistants:sync` (postdeploy hook) and a local run against the cloud read, under the
// names src/config.ts uses. The deployer reaches storage with its own identity, so no clientId here.
output ASSISTANTS_PROVIDER string = assistantsProvider
output ASSISTANTS_ENDPOINT string = assistantsEndpoint
output MODEL_DEPLOYMENT string = modelDeployment
output DEPLOYMENT_ID string = environmentName
output RUN_QUEUE_NAME string = runQueueName
output SWEEP_QUEUE_NAME string = sweepQueueName
output LEDGER_TABLE_PREFIX string = ledgerTablePrefix
output AzureWebJobsStorage__blobServiceUri string = storageServiceUris.blob
output AzureWebJobsStorage__queueServiceUri string = storageServiceUris.queue
output AzureWebJobsStorage__tableServiceUri string = storageServiceUris.table
