// Role assignments as the Bicep declares them (scope resource type, principal, role definition id), and
// the roles each caller needs on what it calls. Ids from the Azure built-in roles reference.
import { declarations, property, type Declaration } from './bicep-text';

export interface RoleAssignment {
  file: string;
  symbol: string;
  /** Resource type of the scope, e.g. Microsoft.Storage/storageAccounts. */
  scopeType: string;
  /** The principalId expression, e.g. appPrincipalId. */
  principal: string;
  roleId: string;
  condition?: string;
}

export interface RoleRequirement {
  role: string;
  id: string;
  scopeType: string;
  reason: string;
}

// Written out here rather than read from infra/app/roles.json, so a wrong id there is caught too.
export const ROLE_IDS = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  cognitiveServicesOpenAiUser: '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd',
  azureAiUser: '53ca6127-db72-4b80-b1b0-d745d6d5456d',
};

const STORAGE = 'Microsoft.Storage/storageAccounts';
const MODEL_ACCOUNT = 'Microsoft.CognitiveServices/accounts';

/** What the function app calls, and the role each call needs. */
export const APP_ROLE_REQUIREMENTS: RoleRequirement[] = [
  { role: 'Storage Blob Data Owner', id: ROLE_IDS.storageBlobDataOwner, scopeType: STORAGE, reason: 'deployment package and host leases' },
  { role: 'Storage Queue Data Contributor', id: ROLE_IDS.storageQueueDataContributor, scopeType: STORAGE, reason: 'run and sweep queues and their poison queues (account scope covers every queue)' },
  { role: 'Storage Table Data Contributor', id: ROLE_IDS.storageTableDataContributor, scopeType: STORAGE, reason: 'ledger tables' },
  { role: 'Key Vault Secrets User', id: ROLE_IDS.keyVaultSecretsUser, scopeType: 'Microsoft.KeyVault/vaults', reason: 'EMAIL_LOGIC_APP_URL reference' },
  { role: 'Monitoring Metrics Publisher', id: ROLE_IDS.monitoringMetricsPublisher, scopeType: 'Microsoft.Insights/components', reason: 'Entra-authenticated telemetry' },
  { role: 'Cognitive Services OpenAI User', id: ROLE_IDS.cognitiveServicesOpenAiUser, scopeType: MODEL_ACCOUNT, reason: 'Azure OpenAI Assistants API' },
  { role: 'Azure AI User', id: ROLE_IDS.azureAiUser, scopeType: MODEL_ACCOUNT, reason: 'Foundry project API' },
];

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The role assignments a file declares; `roleNames` resolves `roles.<name>` (loadJsonContent('roles.json')). */
export function roleAssignmentsIn(file: string, source: string, roleNames: Record<string, string>): RoleAssignment[] {
  const decls = declarations(source);
  return decls
    .filter((d) => d.kind === 'resource' && d.type === 'Microsoft.Authorization/roleAssignments' && d.value)
    .map((d) => {
      const body = d.value as string;
      const properties = property(body, 'properties') ?? '{}';
      const scope = property(body, 'scope') ?? '';
      const roleExpression = property(properties, 'roleDefinitionId') ?? '';
      return {
        file,
        symbol: d.name,
        scopeType: scopeTypeOf(scope, decls),
        principal: property(properties, 'principalId') ?? '',
        roleId: roleIdOf(roleExpression, roleNames),
        ...(d.condition !== undefined ? { condition: d.condition } : {}),
      };
    });
}

function scopeTypeOf(scope: string, decls: Declaration[]): string {
  const target = decls.find((d) => d.kind === 'resource' && d.name === scope);
  return target?.type ?? (scope ? `unknown scope ${scope}` : 'resource group');
}

function roleIdOf(expression: string, roleNames: Record<string, string>): string {
  const named = /\broles\.(\w+)/.exec(expression);
  if (named) return roleNames[named[1] as string] ?? `unknown role ${named[1]}`;
  return GUID.exec(expression)?.[0].toLowerCase() ?? expression;
}

/** Requirements no assignment to `principal` satisfies, as readable problems. */
export function missingRoles(assignments: RoleAssignment[], principal: string, requirements: RoleRequirement[]): string[] {
  return requirements
    .filter((req) => !assignments.some((a) => a.principal === principal && a.roleId === req.id && a.scopeType === req.scopeType))
    .map((req) => `${principal} lacks ${req.role} (${req.id}) on ${req.scopeType}: ${req.reason}`);
}
