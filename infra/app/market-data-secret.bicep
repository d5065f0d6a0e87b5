// The Twelve Data API key for get_stock_price, kept in Key Vault: the app reads it through a Key Vault
// reference (STOCK_PRICE_API_KEY) with its identity, like the Logic App URL. Deployed only when a key is given.
param keyVaultName string
param tags object

@secure()
@description('Twelve Data API key.')
param apiKey string

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource apiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'stock-price-api-key'
  tags: tags
  properties: {
    contentType: 'text/plain'
    value: apiKey
  }
}

@description('Versionless secret URI: the Key Vault reference follows the latest value after a redeploy.')
output secretUri string = apiKeySecret.properties.secretUri
