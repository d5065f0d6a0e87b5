// Azure AI Foundry resource (AIServices account with project management), one project and the model
// deployment the assistants run on. Keys are disabled: callers get roles in rbac-model.bicep.
// Plain resources rather than AVM: the account module has no Foundry project child.
param name string
param projectName string
param location string = resourceGroup().location
param tags object = {}
param modelName string
param modelVersion string
param modelSkuName string
param modelCapacity int
param deploymentName string

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'AIServices'
  sku: {
    name: 'S0'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    customSubDomainName: name // token authentication needs a custom subdomain
    allowProjectManagement: true
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource project 'Microsoft.CognitiveServices/accounts/projects@2025-06-01' = {
  parent: account
  name: projectName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    displayName: projectName
    description: 'Assistants run by the Functions backend.'
  }
}

resource modelDeployment 'Microsoft.CognitiveServices/accounts/deployments@2025-06-01' = {
  parent: account
  name: deploymentName
  sku: {
    name: modelSkuName
    capacity: modelCapacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: modelName
      version: modelVersion
    }
  }
  // One write at a time on an account: the project first.
  dependsOn: [project]
}

output accountName string = account.name
output accountId string = account.id
@description('Foundry project endpoint (provider foundry).')
output projectEndpoint string = 'https://${account.properties.customSubDomainName}.services.ai.azure.com/api/projects/${project.name}'
@description('Azure OpenAI endpoint of the same resource (provider azure-openai).')
output openAiEndpoint string = 'https://${account.properties.customSubDomainName}.openai.azure.com/'
output deploymentName string = modelDeployment.name
