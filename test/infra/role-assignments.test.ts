// (c): every resource the app calls grants the app's identity the right role (and the deployer the same
// data roles), read from the rbac*.bicep files and the identity wiring in main.bicep.
import { describe, expect, it } from 'vitest';
import { declarations, find, property } from './support/bicep-text';
import { loadInfraSources, type InfraSources } from './support/infra-files';
import { APP_ROLE_REQUIREMENTS, missingRoles, ROLE_IDS, roleAssignmentsIn } from './support/role-assignments';

const RBAC_FILES = ['infra/app/rbac.bicep', 'infra/app/rbac-model.bicep', 'infra/app/rbac-deployer.bicep'];
const sources = loadInfraSources();

function assignments(src: InfraSources) {
  const roleNames = JSON.parse(src.text('infra/app/roles.json')) as Record<string, string>;
  return RBAC_FILES.flatMap((file) => roleAssignmentsIn(file, src.text(file), roleNames));
}

const MODEL_ROLES = APP_ROLE_REQUIREMENTS.filter((r) => r.scopeType === 'Microsoft.CognitiveServices/accounts');
const DATA_ROLES = APP_ROLE_REQUIREMENTS.filter((r) => !MODEL_ROLES.includes(r));

describe("the app identity's role assignments", () => {
  it('cover storage blob/queue/table, Key Vault, App Insights and the model account', () => {
    expect(missingRoles(assignments(sources), 'appPrincipalId', APP_ROLE_REQUIREMENTS)).toEqual([]);
  });

  it('use the built-in role definition ids', () => {
    expect(JSON.parse(sources.text('infra/app/roles.json'))).toEqual(ROLE_IDS);
  });

  it('are unconditional within their modules', () => {
    const conditional = assignments(sources).filter((a) => a.principal === 'appPrincipalId' && a.condition !== undefined);
    expect(conditional).toEqual([]);
  });

  it("go to the function app's user-assigned identity", () => {
    const main = declarations(sources.text('infra/main.bicep'));
    const params = (name: string) => property(find(main, 'module', name)?.value ?? '{}', 'params') ?? '{}';
    for (const module of ['rbac', 'modelRbac', 'existingModelRbac']) {
      expect(property(params(module), 'appPrincipalId'), module).toBe('apiIdentity.outputs.principalId');
    }
    expect(property(params('api'), 'identityId')).toBe('apiIdentity.outputs.resourceId');
    expect(property(params('api'), 'identityClientId')).toBe('apiIdentity.outputs.clientId');
  });

  it('report the queue role when its assignment is removed', () => {
    const mutated = sources.withEdit('infra/app/rbac.bicep', (text) => text.replace(/resource appQueueDataContributor[\s\S]*?\n}\n/, ''));
    expect(missingRoles(assignments(mutated), 'appPrincipalId', APP_ROLE_REQUIREMENTS)).toEqual([expect.stringContaining('Storage Queue Data Contributor')]);
  });

  it('report a wrong role id in roles.json', () => {
    const mutated = sources.withEdit('infra/app/roles.json', (text) => text.replace(ROLE_IDS.storageTableDataContributor, ROLE_IDS.storageBlobDataOwner));
    expect(missingRoles(assignments(mutated), 'appPrincipalId', APP_ROLE_REQUIREMENTS)).toEqual([expect.stringContaining('Storage Table Data Contributor')]);
  });

  it('report a role granted on the wrong resource', () => {
    const mutated = sources.withEdit('infra/app/rbac.bicep', (text) => text.replace(/(resource appKeyVaultSecretsUser[\s\S]*?scope: )keyVault/, '$1storage'));
    expect(missingRoles(assignments(mutated), 'appPrincipalId', APP_ROLE_REQUIREMENTS)).toEqual([expect.stringContaining('Key Vault Secrets User')]);
  });
});

describe("the deployer's role assignments", () => {
  it('mirror the app data roles for local debugging against the cloud', () => {
    expect(missingRoles(assignments(sources), 'principalId', DATA_ROLES)).toEqual([]);
  });

  it('include the model roles the postdeploy assistants sync needs', () => {
    expect(missingRoles(assignments(sources), 'deployerPrincipalId', MODEL_ROLES)).toEqual([]);
  });

  it('skip the data roles, not the model roles, for a CI service principal', () => {
    const main = declarations(sources.text('infra/main.bicep'));
    expect(find(main, 'module', 'deployerRbac')?.condition).toBe('deployerDataRolesEnabled');
    expect(find(main, 'var', 'deployerDataRolesEnabled')?.value).toBe('!empty(principalId) && !skipDeployerRoleAssignments');
    const modelParams = property(find(main, 'module', 'modelRbac')?.value ?? '{}', 'params') ?? '{}';
    expect(property(modelParams, 'deployerPrincipalId')).toBe('principalId');
    expect(property(modelParams, 'deployerPrincipalType')).toBe('principalType');
  });
});
