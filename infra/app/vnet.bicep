// Optional VNet (VNET_ENABLED=true): one subnet delegated to Flex Consumption VNet integration and one
// for the storage private endpoints.
param name string
param location string = resourceGroup().location
param tags object = {}
param privateEndpointSubnetName string = 'private-endpoints'
param appSubnetName string = 'app'

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: ['10.0.0.0/16']
    }
    subnets: [
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: '10.0.1.0/24'
          privateEndpointNetworkPolicies: 'Disabled'
          privateLinkServiceNetworkPolicies: 'Enabled'
        }
      }
      {
        name: appSubnetName
        properties: {
          addressPrefix: '10.0.2.0/24'
          // Flex Consumption integrates through a subnet delegated to Microsoft.App/environments.
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          privateEndpointNetworkPolicies: 'Disabled'
          privateLinkServiceNetworkPolicies: 'Enabled'
        }
      }
    ]
  }

  resource appSubnet 'subnets' existing = {
    name: appSubnetName
  }
}

output name string = virtualNetwork.name
output privateEndpointSubnetName string = privateEndpointSubnetName
output appSubnetId string = virtualNetwork::appSubnet.id
