// Private endpoints and private DNS zones for the storage services the app uses (blob: deployment
// package and host; queue: run queue; table: ledger), for VNET_ENABLED=true.
param virtualNetworkName string
param subnetName string
param storageAccountName string
param location string = resourceGroup().location
param tags object = {}

var services = ['blob', 'queue', 'table']

resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' existing = {
  name: virtualNetworkName
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

module dnsZones 'br/public:avm/res/network/private-dns-zone:0.7.1' = [
  for service in services: {
    name: '${service}-private-dns-zone'
    params: {
      name: 'privatelink.${service}.${environment().suffixes.storage}'
      location: 'global'
      tags: tags
      virtualNetworkLinks: [
        {
          name: '${storageAccountName}-${service}-link'
          virtualNetworkResourceId: vnet.id
          registrationEnabled: false
          location: 'global'
          tags: tags
        }
      ]
    }
  }
]

module privateEndpoints 'br/public:avm/res/network/private-endpoint:0.9.1' = [
  for (service, i) in services: {
    name: '${service}-private-endpoint'
    params: {
      name: 'pe-${storageAccountName}-${service}'
      location: location
      tags: tags
      subnetResourceId: '${vnet.id}/subnets/${subnetName}'
      privateLinkServiceConnections: [
        {
          name: '${service}-connection'
          properties: {
            privateLinkServiceId: storageAccount.id
            groupIds: [service]
          }
        }
      ]
      privateDnsZoneGroup: {
        name: '${service}-dns-zone-group'
        privateDnsZoneGroupConfigs: [
          {
            name: 'storage-${service}'
            privateDnsZoneResourceId: dnsZones[i].outputs.resourceId
          }
        ]
      }
    }
  }
]
