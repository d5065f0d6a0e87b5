// The send-email Logic App honours the app's email contract (POST {to, subject, content} -> 202) with
// either provider, and its signed trigger URL reaches the app only through Key Vault.
import { describe, expect, it } from 'vitest';
import { declarations, find, property, propertyPath } from './support/bicep-text';
import { loadInfraSources } from './support/infra-files';

const sources = loadInfraSources();
const DEFINITIONS = ['infra/app/workflows/send-email-acs.json', 'infra/app/workflows/send-email-office365.json'];

interface Action {
  type: string;
  runAfter?: Record<string, string[]>;
  inputs?: {
    statusCode?: unknown;
    authentication?: { type?: string; audience?: string };
    uri?: string;
    headers?: Record<string, string>;
    retryPolicy?: { type: string; count?: number; interval?: string };
  };
}
interface WorkflowDefinition {
  triggers: Record<string, { type: string; kind?: string; operationOptions?: string; inputs: { method?: string; schema: { properties: Record<string, { type: string }>; required: string[] } } }>;
  actions: Record<string, Action>;
}

const definition = (file: string) => JSON.parse(sources.text(file)) as WorkflowDefinition;

describe.each(DEFINITIONS)('workflow %s', (file) => {
  const { triggers, actions } = definition(file);

  it('is triggered by POST {to, subject, content}, all required strings, validated', () => {
    const trigger = triggers.manual;
    expect(trigger).toMatchObject({ type: 'Request', kind: 'Http', operationOptions: 'EnableSchemaValidation', inputs: { method: 'POST' } });
    const schema = trigger?.inputs.schema;
    expect(schema?.properties).toEqual({ to: { type: 'string' }, subject: { type: 'string' }, content: { type: 'string' } });
    expect([...(schema?.required ?? [])].sort()).toEqual(['content', 'subject', 'to']);
  });

  it('answers 202 once the mail service accepted the message, and an error otherwise', () => {
    const responses = Object.values(actions).filter((a) => a.type === 'Response');
    const accepted = responses.find((r) => r.inputs?.statusCode === 202);
    const [sender, states] = Object.entries(accepted?.runAfter ?? {})[0] ?? [];
    expect(states).toEqual(['Succeeded']);
    expect(actions[sender ?? '']?.type).toMatch(/^(Http|ApiConnection)$/);
    const failure = responses.find((r) => r.runAfter?.[sender ?? '']?.includes('Failed'));
    expect(failure?.inputs?.statusCode).not.toBe(202);
  });
});

describe('ACS workflow', () => {
  it('calls the ACS Email REST API with its managed identity, holding no key', () => {
    const send = definition(DEFINITIONS[0] as string).actions.Send_with_ACS;
    expect(send?.inputs?.authentication).toEqual({ type: 'ManagedServiceIdentity', audience: 'https://communication.azure.com' });
    expect(send?.inputs?.uri).toContain("parameters('acsEndpoint')");
    expect(JSON.stringify(send)).not.toMatch(/accesskey|connectionstring/i);
  });

  it("grants the workflow's identity a role on the Communication Service that allows sending", () => {
    const decls = declarations(sources.text('infra/app/logic-app-email.bicep'));
    const assignment = find(decls, 'resource', 'workflowEmailSender');
    expect(property(assignment?.value ?? '{}', 'scope')).toBe('communicationService');
    expect(propertyPath(assignment?.value ?? '{}', 'properties', 'principalId')).toBe('workflow.identity.principalId');
    expect(propertyPath(assignment?.value ?? '{}', 'properties', 'roleDefinitionId')).toBe('emailSenderRole.id');
    const role = find(decls, 'resource', 'emailSenderRole')?.value ?? '';
    const actions = [...(propertyPath(role, 'properties', 'permissions') ?? '').matchAll(/'(Microsoft\.Communication\/[^']+)'/g)].map((m) => m[1]);
    // What ACS documents for a custom role that sends email with Entra ID.
    expect(actions.sort()).toEqual(['Microsoft.Communication/CommunicationServices/Read', 'Microsoft.Communication/CommunicationServices/Write', 'Microsoft.Communication/EmailServices/write']);
  });
});

describe('exactly-once email (repeatable requests)', () => {
  const acs = definition(DEFINITIONS[0] as string).actions.Send_with_ACS;
  const office365 = definition(DEFINITIONS[1] as string).actions.Send_with_Office_365;

  it("passes the app's Idempotency-Key and first-sent time to ACS Email as Repeatability-Request-Id and Repeatability-First-Sent", () => {
    const headers = acs?.inputs?.headers ?? {};
    expect(headers['Repeatability-Request-Id']).toContain("triggerOutputs()?['headers']?['Idempotency-Key']");
    expect(headers['Repeatability-First-Sent']).toContain("triggerOutputs()?['headers']?['Repeatability-First-Sent']");
    // A caller without the headers still gets valid ones: a GUID, and now as an IMF-fixdate ('R' = RFC 1123).
    expect(headers['Repeatability-Request-Id']).toContain('guid()');
    expect(headers['Repeatability-First-Sent']).toContain("utcNow('R')");
  });

  it("retries within ACS's 5-minute window only, reusing the action's (fixed) inputs", () => {
    const policy = acs?.inputs?.retryPolicy;
    expect(policy?.type).toBe('fixed');
    const seconds = Number(/^PT(\d+)S$/.exec(policy?.interval ?? '')?.[1]);
    expect((policy?.count ?? 0) * seconds).toBeLessThan(60);
  });

  it('passes 412 (outside the window) and 409 (original in progress) through, so the app can tell them apart', () => {
    const notAccepted = definition(DEFINITIONS[0] as string).actions.Not_accepted;
    const expression = String(notAccepted?.inputs?.statusCode);
    for (const code of ['400', '409', '412']) expect(expression).toContain(code);
    expect(expression).toContain('502');
  });

  it('never lets the Office 365 connector retry on its own: that workflow cannot recognise a repeat', () => {
    expect(office365?.inputs?.retryPolicy).toEqual({ type: 'none' });
  });

  it('tells the app which workflow can recognise repeats (EMAIL_REPEATABILITY)', () => {
    const api = declarations(sources.text('infra/app/api.bicep'));
    expect(find(api, 'param', 'emailRepeatability')?.value).toBe("'none'");
    expect(sources.text('infra/app/api.bicep')).toContain('EMAIL_REPEATABILITY: emailRepeatability');
    const main = declarations(sources.text('infra/main.bicep'));
    expect(propertyPath(find(main, 'module', 'api')?.value ?? '{}', 'params', 'emailRepeatability')).toBe("emailProvider == 'acs' ? 'acs' : 'none'");
  });
});

describe('the trigger URL', () => {
  it('is written to Key Vault and reaches the app as a Key Vault reference resolved with its identity', () => {
    const email = declarations(sources.text('infra/app/logic-app-email.bicep'));
    const secret = find(email, 'resource', 'callbackUrlSecret');
    expect(secret?.type).toBe('Microsoft.KeyVault/vaults/secrets');
    expect(propertyPath(secret?.value ?? '{}', 'properties', 'value')).toBe('manualTrigger.listCallbackUrl().value');
    expect(find(email, 'output', 'callbackUrlSecretUri')?.value).toBe('callbackUrlSecret.properties.secretUri');

    const main = declarations(sources.text('infra/main.bicep'));
    expect(propertyPath(find(main, 'module', 'api')?.value ?? '{}', 'params', 'emailUrlSecretUri')).toBe('email.outputs.callbackUrlSecretUri');

    const api = declarations(sources.text('infra/app/api.bicep'));
    const siteParams = propertyPath(find(api, 'module', 'functionApp')?.value ?? '{}', 'params') ?? '{}';
    expect(property(siteParams, 'keyVaultAccessIdentityResourceId')).toBe('identityId');
    expect(propertyPath(siteParams, 'managedIdentities', 'userAssignedResourceIds')).toBe('[identityId]');
  });
});
