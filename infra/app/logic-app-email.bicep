// The send-email Logic App (Consumption): POST {to, subject, content} to its HTTP trigger, 202 when the
// mail service accepted the message. The trigger URL carries a SAS signature, so it goes straight into
// Key Vault (the app reads it through a Key Vault reference) and is never a deployment output.
param name string
param location string = resourceGroup().location
param tags object = {}
@allowed(['acs', 'office365'])
param emailProvider string
param keyVaultName string
@description('acs only: the Communication Services resource the workflow sends through.')
param communicationServiceName string
param acsEndpoint string = ''
param senderAddress string = ''

var useAcs = emailProvider == 'acs'
var office365ApiId = subscriptionResourceId('Microsoft.Web/locations/managedApis', location, 'office365')

// Office 365 only: the connection exists after deployment but sends nothing until someone signs in
// to it once (portal > API connection > Edit API connection > Authorize), see docs/deploy.md.
resource office365Connection 'Microsoft.Web/connections@2016-06-01' = if (!useAcs) {
  name: 'office365-${name}'
  location: location
  tags: tags
  properties: {
    displayName: 'Office 365 Outlook for ${name}'
    api: {
      id: office365ApiId
    }
  }
}

resource workflow 'Microsoft.Logic/workflows@2019-05-01' = {
  name: name
  location: location
  tags: tags
  // ACS: the workflow calls the ACS Email REST API with this identity (no connection string to store).
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    state: 'Enabled'
    definition: useAcs ? loadJsonContent('workflows/send-email-acs.json') : loadJsonContent('workflows/send-email-office365.json')
    parameters: useAcs
      ? {
          acsEndpoint: { value: acsEndpoint }
          senderAddress: { value: senderAddress }
        }
      : {
          '$connections': {
            value: {
              office365: {
                connectionId: office365Connection.id
                connectionName: office365Connection.name
                id: office365ApiId
              }
            }
          }
        }
  }
}

// Only looked up when the (conditional) role assignment below is deployed.
resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationServiceName
}

// Least privilege for sending mail with Entra ID: the three actions ACS documents for a custom sending role
// (in place of Contributor). Without CommunicationServices/Write the send is refused with 403.
resource emailSenderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (useAcs) {
  name: guid(resourceGroup().id, 'acs-email-sender')
  properties: {
    roleName: 'ACS Email Sender (${uniqueString(resourceGroup().id)})'
    description: 'Send email through Azure Communication Services with Microsoft Entra ID.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Communication/CommunicationServices/Read'
          'Microsoft.Communication/CommunicationServices/Write'
          'Microsoft.Communication/EmailServices/write'
        ]
        notActions: []
      }
    ]
    assignableScopes: [resourceGroup().id]
  }
}

resource workflowEmailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useAcs) {
  name: guid(communicationService.id, workflow.id, 'acs-email-sender')
  scope: communicationService
  properties: {
    principalId: workflow.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: emailSenderRole.id
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource manualTrigger 'Microsoft.Logic/workflows/triggers@2019-05-01' existing = {
  parent: workflow
  name: 'manual'
}

resource callbackUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'email-logic-app-url'
  tags: tags
  properties: {
    contentType: 'text/uri'
    value: manualTrigger.listCallbackUrl().value
  }
}

output name string = workflow.name
@description('Versionless secret URI: the Key Vault reference follows the latest value after a redeploy.')
output callbackUrlSecretUri string = callbackUrlSecret.properties.secretUri
