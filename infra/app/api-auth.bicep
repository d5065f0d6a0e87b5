// The API's Entra ID app registration, created by `azd up` (Microsoft Graph Bicep extension) when no existing one
// is named (AZURE_AUTH_CLIENT_ID). Frontends sign users in with their own registration and request the
// `access_as_user` scope of this one; App Service Authentication and the app both accept its v2 access tokens
// (audience = this app's client id). The deployer needs the right to register applications in the tenant.
// It is also the sign-in of the web chat the Function app serves (src/functions/web-page.ts): App Service
// Authentication's /.auth/login/aad runs the OpenID Connect flow with this registration, which needs the site's
// callback as a web redirect URI and ID tokens issued to it (no client secret: App Service then asks for an
// id_token by form_post).
extension microsoftGraphV1

@description('Unique per environment: the registration is found again (not duplicated) on every azd up.')
param uniqueName string
param displayName string
@description('App Service Authentication\'s callback on the Function app: https://<host>/.auth/login/aad/callback.')
param webSignInRedirectUri string

var scopeName = 'access_as_user'
var web = {
  redirectUris: [webSignInRedirectUri]
  implicitGrantSettings: { enableIdTokenIssuance: true, enableAccessTokenIssuance: false }
}
var scopeId = guid(uniqueName, scopeName)

resource app 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
  web: web
  api: {
    // v2 tokens: `aud` is the client id and `iss` https://login.microsoftonline.com/<tenant>/v2.0, as the app checks.
    requestedAccessTokenVersion: 2
    oauth2PermissionScopes: [
      {
        id: scopeId
        value: scopeName
        type: 'User'
        isEnabled: true
        adminConsentDisplayName: 'Use the assistants API'
        adminConsentDescription: 'Lets the app call the assistants API as the signed-in user.'
        userConsentDisplayName: 'Use the assistants API'
        userConsentDescription: 'Lets the app call the assistants API as you.'
      }
    ]
  }
}

// identifierUris may name the app's own id only once it exists: the same registration again, with the URI
// (workaround for microsoftgraph/msgraph-bicep-types#239).
resource appWithIdentifierUri 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: app.displayName
  signInAudience: app.signInAudience
  web: web
  api: app.api
  identifierUris: ['api://${app.appId}']
}

resource servicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: appWithIdentifierUri.appId
}

output clientId string = appWithIdentifierUri.appId
output identifierUri string = 'api://${appWithIdentifierUri.appId}'
output scope string = 'api://${appWithIdentifierUri.appId}/${scopeName}'
