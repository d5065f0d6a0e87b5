import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../src/api/openapi';
import { openApiRoute } from '../../../src/api/routes';
import { allRouteSpecs, routeSpecs } from '../../../src/api/routes';
import { cloudConfig, invoke } from './support';

const doc = buildOpenApiDocument(allRouteSpecs, { title: 'Test API', version: '9.9.9', serverUrl: 'https://example.net/api' });
type Json = Record<string, unknown>;
type Operation = { operationId: string; parameters?: { name: string; in: string; required?: boolean; schema: Json }[]; requestBody?: { content: Json }; responses: Record<string, { content?: Record<string, { schema: Json }> }>; security?: Record<string, string[]>[] };
const operation = (path: string, method: string) => (doc.paths as Record<string, Record<string, Operation>>)[path]![method.toLowerCase()]!;

/** The parts of OpenAPI 3.1 this generator must get right (a structural check, not the full meta-schema). */
const structural = {
  type: 'object',
  required: ['openapi', 'info', 'paths', 'components'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: { type: 'object', required: ['title', 'version'], properties: { title: { type: 'string', minLength: 1 }, version: { type: 'string', minLength: 1 } } },
    servers: { type: 'array', items: { type: 'object', required: ['url'] } },
    paths: { type: 'object', propertyNames: { pattern: '^/' }, additionalProperties: { $ref: '#/$defs/pathItem' } },
    components: {
      type: 'object',
      required: ['schemas', 'securitySchemes'],
      properties: { securitySchemes: { type: 'object', additionalProperties: { type: 'object', required: ['type'], properties: { type: { enum: ['apiKey', 'http', 'oauth2', 'openIdConnect', 'mutualTLS'] } } } } },
    },
  },
  $defs: {
    pathItem: {
      type: 'object',
      minProperties: 1,
      propertyNames: { enum: ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] },
      additionalProperties: { $ref: '#/$defs/operation' },
    },
    operation: {
      type: 'object',
      required: ['operationId', 'responses'],
      properties: {
        operationId: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' },
        parameters: { type: 'array', items: { $ref: '#/$defs/parameter' } },
        requestBody: { type: 'object', required: ['content'], properties: { content: { $ref: '#/$defs/content' } } },
        responses: { type: 'object', minProperties: 1, propertyNames: { pattern: '^([1-5][0-9][0-9]|[1-5]XX|default)$' }, additionalProperties: { $ref: '#/$defs/response' } },
        security: { type: 'array', items: { type: 'object', additionalProperties: { type: 'array' } } },
      },
    },
    parameter: {
      type: 'object',
      required: ['name', 'in', 'schema'],
      properties: { in: { enum: ['path', 'query', 'header', 'cookie'] } },
      if: { properties: { in: { const: 'path' } } },
      then: { required: ['required'], properties: { required: { const: true } } },
    },
    response: {
      type: 'object',
      required: ['description'],
      properties: { content: { $ref: '#/$defs/content' }, headers: { type: 'object' } },
    },
    content: { type: 'object', minProperties: 1, additionalProperties: { type: 'object', required: ['schema'] } },
  },
};

/** Ajv over the whole document, so schema $refs resolve inside it. */
function schemaValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addSchema(doc as object, 'openapi');
  return (name: string) => {
    const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    return validate;
  };
}

function collectRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => collectRefs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else collectRefs(v, out);
    }
  }
  return out;
}

const run = {
  id: 'run_abc',
  object: 'thread.run',
  thread_id: 'thread_abc',
  assistant: 'auto',
  status: 'requires_action',
  created_at: 1_717_000_000,
  started_at: 1_717_000_001,
  completed_at: null,
  expires_at: 1_717_000_600,
  last_error: null,
  usage: null,
  tool_calls: [{ id: 'call_1', name: 'get_stock_price', arguments: '{"symbol":"MSFT"}', status: 'pending', output: null, owner: 'client', approval: null }],
  pending_approvals: [],
  required_action: { type: 'submit_tool_outputs', tool_calls: [{ id: 'call_1', name: 'get_stock_price', arguments: '{"symbol":"MSFT"}' }] },
  routed_to: 'finance',
};

describe('OpenAPI document', () => {
  it('is structurally valid OpenAPI 3.1', () => {
    const ajv = new Ajv2020({ allErrors: true });
    const validate = ajv.compile(structural);
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(doc.info).toMatchObject({ title: 'Test API', version: '9.9.9' });
    expect(doc.servers).toEqual([{ url: 'https://example.net/api' }]);
  });

  it('lists every route spec once, under its path and method, with its name as operationId', () => {
    const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) => Object.entries(item as Json).map(([method, op]) => ({ path, method, id: (op as Operation).operationId })));
    expect(operations).toHaveLength(allRouteSpecs.length);
    for (const spec of allRouteSpecs) expect(operations).toContainEqual({ path: spec.path, method: spec.method.toLowerCase(), id: spec.name });
  });

  it('declares every path placeholder as a required path parameter', () => {
    for (const spec of allRouteSpecs) {
      const names = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (operation(spec.path, spec.method).parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared.sort()).toEqual(names.sort());
    }
  });

  it('resolves every $ref and compiles every schema as JSON Schema 2020-12', () => {
    for (const ref of new Set(collectRefs(doc))) {
      const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
      expect(target, ref).toBeDefined();
    }
    const schema = schemaValidator();
    for (const name of Object.keys(doc.components?.schemas ?? {})) expect(() => schema(name), name).not.toThrow();
  });

  it('describes every 4xx/5xx with the error envelope', () => {
    for (const spec of allRouteSpecs) {
      for (const [status, response] of Object.entries(operation(spec.path, spec.method).responses)) {
        if (!/^[45]|default/.test(status)) continue;
        const schema = response.content?.['application/json']?.schema;
        // A route may document its own 4xx/5xx body (health's 503 report); every other one is the envelope.
        if (Number(status) in spec.responses) expect(schema, `${spec.name} ${status}`).toBeDefined();
        else expect(schema, `${spec.name} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
    const post = operation('/threads/{threadId}/messages', 'POST').responses;
    expect(Object.keys(post)).toEqual(expect.arrayContaining(['200', '202', '400', '401', '404', '409', '413', '415', '429', '500', 'default']));
  });

  it('states security: caller routes take an identity and no function key; maintenance takes the admin key', () => {
    expect(doc.components?.securitySchemes).toMatchObject({
      entraBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      appServiceAuth: { type: 'apiKey', in: 'cookie', name: 'AppServiceAuthSession' },
      devUser: { type: 'apiKey', in: 'header', name: 'x-user-id' },
      adminKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
      adminKeyQuery: { type: 'apiKey', in: 'query', name: 'code' },
    });
    expect(doc.components?.securitySchemes).not.toHaveProperty('functionKey');
    expect(operation('/health', 'GET').security).toEqual([]);
    // Any one of the identities, with no key: the host lets the request through and the app checks the caller.
    const identities = [{ entraBearer: [] }, { appServiceAuth: [] }, { devUser: [] }];
    for (const [path, method] of [['/threads', 'GET'], ['/threads/{threadId}/messages', 'POST'], ['/files', 'POST'], ['/assistants', 'GET']] as const) {
      expect(operation(path, method).security, `${method} ${path}`).toEqual(identities);
    }
    expect(operation('/maintenance/sweep', 'POST').security).toEqual([{ adminKey: [] }, { adminKeyQuery: [] }]);
    expect(operation('/maintenance/sweeps/{sweepId}', 'GET').security).toEqual([{ adminKey: [] }, { adminKeyQuery: [] }]);
  });

  it('carries the validation limits into the schemas', () => {
    const schemas = doc.components?.schemas as Record<string, { properties: Record<string, Json> }>;
    expect(schemas.PostMessageRequest!.properties.content).toMatchObject({ minLength: 1, maxLength: 256_000 });
    expect(schemas.PostMessageRequest!.properties.attachments).toMatchObject({ maxItems: 10 });
    expect(schemas.Metadata).toMatchObject({ maxProperties: 16 });
    const wait = operation('/threads/{threadId}/messages', 'POST').parameters!.find((p) => p.name === 'wait')!;
    expect(wait).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 0, maximum: 230, default: 0 } });
    const limit = operation('/threads', 'GET').parameters!.find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ minimum: 1, maximum: 100, default: 20 });
  });

  it('describes uploads as multipart and downloads/streams by content type', () => {
    const upload = operation('/files', 'POST').requestBody!.content as Record<string, { schema: Json }>;
    expect(Object.keys(upload)).toEqual(['multipart/form-data']);
    expect(JSON.stringify(upload['multipart/form-data']!.schema)).toContain('UploadFileRequest');
    expect(doc.components?.schemas?.UploadFileRequest).toMatchObject({ properties: { file: { type: 'string', format: 'binary' } }, required: ['file', 'purpose'] });
    expect(Object.keys(operation('/threads/{threadId}/runs/{runId}/events', 'GET').responses['200']!.content!)).toEqual(['text/event-stream']);
    expect(operation('/files/{fileId}/content', 'GET').responses['200']!.content).toEqual({ 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } });
    expect(operation('/threads/{threadId}/messages', 'POST').responses['202']).toMatchObject({ headers: { Location: { description: expect.any(String) } } });
  });

  it('describes the sweep as requested (202 with the sweep and its Location) and polled (GET, 404 when unknown)', () => {
    const post = operation('/maintenance/sweep', 'POST').responses;
    expect(Object.keys(post)).not.toContain('200');
    expect(post['202']).toMatchObject({ headers: { Location: { description: expect.any(String) } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/Sweep' } } } });
    const get = operation('/maintenance/sweeps/{sweepId}', 'GET');
    expect(get.parameters?.map((p) => [p.name, p.in])).toEqual([['sweepId', 'path']]);
    expect(get.responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Sweep' } } } });
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['401', '404']));
    const schemas = doc.components?.schemas as Record<string, { properties: Record<string, Json> }>;
    expect(schemas.Sweep!.properties.status).toMatchObject({ enum: ['queued', 'running', 'succeeded', 'failed', 'skipped'] });
    expect(schemas.Sweep!.properties.report).toBeDefined();
  });

  it('accepts real resource shapes and rejects malformed ones', () => {
    const schema = schemaValidator();
    expect(schema('Run')(run), JSON.stringify(schema('Run').errors)).toBe(true);
    expect(schema('Run')({ ...run, id: 'thread_abc' })).toBe(false);
    expect(schema('Run')({ ...run, status: 'sleeping' })).toBe(false);
    expect(schema('Thread')({ id: 'thread_abc', object: 'thread', created_at: 1, assistant: 'default', metadata: {} })).toBe(true);
    const message = {
      id: 'msg_abc',
      object: 'thread.message',
      thread_id: 'thread_abc',
      run_id: 'run_abc',
      role: 'assistant',
      assistant: 'finance',
      status: 'completed',
      created_at: 1,
      content: [
        { type: 'text', text: { value: 'See chart', annotations: [{ type: 'file_path', text: 'sandbox:/a.png', start_index: 0, end_index: 14, file_path: { file_id: 'assistant-x1' }, url: 'https://h/api/files/assistant-x1/content' }] } },
        { type: 'image_file', image_file: { file_id: 'file-abc', url: 'https://h/api/files/file-abc/content' } },
      ],
      attachments: [],
      metadata: {},
    };
    expect(schema('Message')(message), JSON.stringify(schema('Message').errors)).toBe(true);
    expect(schema('Message')({ ...message, content: [{ type: 'video', video: {} }] })).toBe(false);
    expect(schema('Error')({ error: { code: 'not_found', message: 'Thread not found.' } })).toBe(true);
  });

  it('is served by GET /openapi.json without identity', async () => {
    const result = await invoke(openApiRoute, { path: '/openapi.json' }, cloudConfig());
    expect(result.status).toBe(200);
    const served = result.body as typeof doc;
    expect(served.openapi).toBe('3.1.0');
    expect(Object.keys(served.paths ?? {})).toContain(routeSpecs.runEvents.path);
    expect(served.servers).toEqual([{ url: '/api' }]);
  });
});
