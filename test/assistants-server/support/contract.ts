// Contract checker: every response the server sends during a suite is recorded (through the fetch the
// SDK clients are given) and validated against the response schema of its operation in the shared
// OpenAPI spec (a copy lives next to this file). OpenAPI 3.0 `nullable` is converted to JSON-Schema
// nulls first, and objects are closed (`unevaluatedProperties: false`) so a field the spec does not
// know fails too. SSE streams are validated event by event (runs, steps, messages, threads).
// `new ContractChecker('responses')` checks against the Responses spec instead (responses.openapi.json, a
// copy of ../shared/spec): its allOf compositions are closed at the composing schema (the parts are
// checked open, so one part's properties are not "unknown" to another), and its streams are checked
// per event `type` against ResponseStreamEvent, with strictly increasing sequence_number.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface Recorded {
  method: string;
  url: string;
  status: number;
  contentType: string;
  body: string | null;
}

export interface Finding {
  request: string;
  problem: string;
}

const SPEC_PATHS = {
  assistants: path.join(__dirname, 'assistants-v2.openapi.json'),
  responses: path.join(__dirname, 'responses.openapi.json'),
} as const;
export type SpecName = keyof typeof SPEC_PATHS;
const OPEN = '__open';
/** Keys whose values are maps of names to schemas: the names are data, never keywords. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'schemas', 'dependentSchemas']);

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAPI 3.0 → JSON Schema 2020-12: `nullable` becomes a null alternative; vendor keys go. */
export function toJsonSchema(node: Json, closeObjects: boolean, allOfAware = false): Json {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, closeObjects, allOfAware));
  if (!isObject(node)) return node;
  let nullable = node.nullable === true;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'discriminator' || key === 'example' || key === '$recursiveAnchor' || key.startsWith('x-')) continue;
    if (key === '$recursiveRef') {
      out.$ref = '#/components/schemas/CompoundFilter';
    } else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toJsonSchema(schema, closeObjects, allOfAware)]));
    } else if (key === 'allOf' && Array.isArray(value) && value.some((v) => isObject(v) && Object.keys(v).length === 1 && v.nullable === true)) {
      // `allOf: [X, {nullable: true}]` is 3.0's way to write "X or null".
      nullable = true;
      out.allOf = value.filter((v) => !(isObject(v) && v.nullable === true && Object.keys(v).length === 1)).map((v) => toJsonSchema(v, closeObjects, allOfAware));
    } else {
      out[key] = toJsonSchema(value, closeObjects, allOfAware);
    }
  }
  if (allOfAware && Array.isArray(out.allOf)) {
    out.allOf = out.allOf.map(opened);
    if (closeObjects && out.additionalProperties === undefined) out.unevaluatedProperties = false;
  }
  if (closeObjects && isObject(out.properties) && out.additionalProperties === undefined) out.unevaluatedProperties = false;
  if (!nullable) return out;
  if (out.$ref || out.allOf || out.anyOf || out.oneOf) return { anyOf: [out, { type: 'null' }] };
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  return out;
}

/** The same schema without its own closing (refs point at open variants), for use as one part of an allOf. */
function opened(node: Json): Json {
  if (!isObject(node)) return node;
  const { unevaluatedProperties: _closed, ...rest } = node;
  if (typeof rest.$ref === 'string' && rest.$ref.startsWith('#/components/schemas/') && !rest.$ref.endsWith(OPEN)) rest.$ref = `${rest.$ref}${OPEN}`;
  for (const key of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(rest[key])) rest[key] = (rest[key] as Json[]).map(opened);
  return rest;
}

interface Operation {
  method: string;
  pattern: RegExp;
  template: string;
  operationId: string;
  schema: Json | undefined;
}

const SSE_SCHEMAS: [RegExp, string][] = [
  [/^thread\.created$/, 'ThreadObject'],
  [/^thread\.run\.(created|queued|in_progress|requires_action|completed|incomplete|failed|cancelling|cancelled|expired)$/, 'RunObject'],
  [/^thread\.run\.step\.(created|in_progress|completed|failed|cancelled|expired)$/, 'RunStepObject'],
  [/^thread\.message\.(created|in_progress|completed|incomplete)$/, 'MessageObject'],
];

/** The spec cut has no delta schemas; these are the delta envelopes the SDK's stream helpers read. */
const DELTA_SCHEMAS: Record<string, Json> = {
  'thread.run.step.delta': {
    type: 'object',
    required: ['id', 'object', 'delta'],
    properties: { id: { type: 'string' }, object: { const: 'thread.run.step.delta' }, delta: { type: 'object', properties: { step_details: { type: 'object', required: ['type'] } } } },
    additionalProperties: false,
  },
  'thread.message.delta': {
    type: 'object',
    required: ['id', 'object', 'delta'],
    properties: {
      id: { type: 'string' },
      object: { const: 'thread.message.delta' },
      delta: { type: 'object', properties: { content: { type: 'array', items: { type: 'object', required: ['index', 'type'] } } } },
    },
    additionalProperties: false,
  },
};

/** Paths the spec does not describe but the server serves on purpose. */
const UNSPECIFIED = [/^POST \/(deployments\/[^/]+\/)?chat\/completions$/];

export class ContractChecker {
  private readonly ajv: Ajv2020;
  private readonly operations: Operation[];
  private readonly compiled = new Map<string, ValidateFunction>();
  /** Responses stream event type → its component schema (Responses spec only). */
  private readonly streamEvents = new Map<string, string>();
  readonly checkedOperations = new Set<string>();

  constructor(private readonly specName: SpecName = 'assistants') {
    const spec = JSON.parse(readFileSync(SPEC_PATHS[specName], 'utf8')) as JsonObject;
    const responses = specName === 'responses';
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
    const components = toJsonSchema(spec.components as Json, true, responses) as JsonObject;
    if (responses) {
      const schemas = components.schemas as JsonObject;
      for (const [name, schema] of Object.entries(schemas)) schemas[`${name}${OPEN}`] = opened(schema);
      for (const ref of ((schemas.ResponseStreamEvent as JsonObject).anyOf as JsonObject[]) ?? []) {
        const name = String(ref.$ref).split('/').at(-1)!;
        const typeSchema = ((schemas[name] as JsonObject).properties as JsonObject | undefined)?.type as JsonObject | undefined;
        const type = (typeSchema?.enum as string[] | undefined)?.[0] ?? (typeSchema?.const as string | undefined);
        if (type) this.streamEvents.set(type, name);
      }
    }
    this.listErrata(components);
    this.ajv.addSchema({ $id: 'spec', components, ...DELTA_SCHEMAS_DEFS }, 'spec');
    this.operations = [];
    for (const [template, item] of Object.entries(spec.paths as JsonObject)) {
      for (const [method, op] of Object.entries(item as JsonObject)) {
        if (!isObject(op) || typeof op.operationId !== 'string') continue;
        const content = ((op.responses as JsonObject)?.['200'] as JsonObject | undefined)?.content as JsonObject | undefined;
        const schema = (content?.['application/json'] as JsonObject | undefined)?.schema;
        const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
        this.operations.push({
          method: method.toUpperCase(),
          pattern,
          template,
          operationId: op.operationId,
          schema: schema === undefined ? undefined : (toJsonSchema(schema, true, responses) as Json),
        });
      }
    }
  }

  /**
   * Known differences between the spec and the live service, each narrow:
   * the service sends `first_id`/`last_id: null` for an empty page, which the spec types as string.
   * (check() still fails a null id on a page that has data.)
   */
  private listErrata(components: JsonObject): void {
    for (const [name, schema] of Object.entries(components.schemas as JsonObject)) {
      if (!/^List.*Response$|ItemList$|^Container(File)?ListResource$/.test(name) || !isObject(schema) || !isObject(schema.properties)) continue;
      for (const key of ['first_id', 'last_id']) if (schema.properties[key]) schema.properties[key] = { type: ['string', 'null'] };
    }
  }

  /** Problems with one recorded response (empty when it conforms). */
  check(record: Recorded): Finding[] {
    const url = new URL(record.url);
    const request = `${record.method} ${record.url} → ${record.status}`;
    if (url.pathname.startsWith('/_admin/')) return [];
    const rest = url.pathname.replace(/^\/api\/projects\/[^/]+\/openai\/v1(?=\/)|^\/openai\/v1(?=\/)|^\/v1(?=\/)|^\/openai(?=\/)|^\/api\/projects\/[^/]+(?=\/)/, '');
    if (record.body === null) return [{ request, problem: 'the response body could not be read' }];
    if (record.status >= 400) return this.validate(request, 'components/schemas/ErrorResponse', parseJson(record.body));
    const op = this.operations.find((o) => o.method === record.method && o.pattern.test(rest));
    if (!op) {
      if (UNSPECIFIED.some((p) => p.test(`${record.method} ${rest}`))) return [];
      return [{ request, problem: 'no operation in the spec matches this successful request' }];
    }
    this.checkedOperations.add(op.operationId);
    if (op.operationId === 'downloadFile' || op.operationId === 'RetrieveContainerFileContent') return [];
    if (record.contentType.startsWith('text/event-stream')) return this.specName === 'responses' ? this.checkResponseStream(request, record.body) : this.checkStream(request, record.body);
    // Operations whose 200 the spec leaves undescribed (DELETE /responses/{id}, DELETE /containers/...).
    if (op.schema === undefined) return record.contentType.startsWith('application/json') ? [] : [{ request, problem: `content-type ${record.contentType} is not application/json` }];
    if (!record.contentType.startsWith('application/json')) return [{ request, problem: `content-type ${record.contentType} is not application/json` }];
    const body = parseJson(record.body);
    const findings = this.validate(request, `operation:${op.operationId}`, body, op.schema);
    if (isObject(body) && body.object === 'list' && Array.isArray(body.data) && body.data.length > 0 && (body.first_id === null || body.last_id === null)) {
      findings.push({ request, problem: 'a page with data has a null first_id/last_id' });
    }
    return findings;
  }

  private checkStream(request: string, text: string): Finding[] {
    const findings: Finding[] = [];
    const events = parseSse(text);
    if (events.length === 0) findings.push({ request, problem: 'empty event stream' });
    const last = events.at(-1);
    if (last && (last.event !== 'done' || last.data !== '[DONE]')) findings.push({ request, problem: `stream does not end with event: done / data: [DONE] (last: ${last.event})` });
    for (const { event, data } of events.slice(0, -1)) {
      const name = SSE_SCHEMAS.find(([re]) => re.test(event))?.[1];
      if (name) findings.push(...this.validate(`${request} [${event}]`, `components/schemas/${name}`, parseJson(data)));
      else if (DELTA_SCHEMAS[event]) findings.push(...this.validate(`${request} [${event}]`, `#/$defs/${event}`, parseJson(data)));
      else findings.push({ request, problem: `unknown event ${event}` });
    }
    return findings;
  }

  /** Responses streams: `event:` equals data.type, each event matches its schema, sequence numbers increase. */
  private checkResponseStream(request: string, text: string): Finding[] {
    const findings: Finding[] = [];
    const events = parseSse(text);
    if (events.length === 0) findings.push({ request, problem: 'empty event stream' });
    let last = -1;
    for (const { event, data } of events) {
      const body = parseJson(data) as JsonObject;
      const name = this.streamEvents.get(String(body.type));
      if (event !== body.type) findings.push({ request, problem: `event: ${event} carries data of type ${String(body.type)}` });
      if (!name) {
        findings.push({ request, problem: `unknown event ${event}` });
        continue;
      }
      const sequence = Number(body.sequence_number);
      if (!(sequence > last)) findings.push({ request, problem: `[${event}] sequence_number ${sequence} does not follow ${last}` });
      last = sequence;
      findings.push(...this.validate(`${request} [${event}]`, `components/schemas/${name}`, body));
    }
    return findings;
  }

  private validate(request: string, ref: string, body: unknown, inline?: Json): Finding[] {
    let validator = this.compiled.get(ref);
    if (!validator) {
      const schema = inline !== undefined ? rebase(inline) : { $ref: ref.startsWith('#') ? `spec${ref}` : `spec#/${ref}` };
      validator = this.ajv.compile(schema as object);
      this.compiled.set(ref, validator);
    }
    if (validator(body)) return [];
    return (validator.errors ?? []).slice(0, 5).map((e) => ({ request, problem: `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}` }));
  }
}

const DELTA_SCHEMAS_DEFS = { $defs: DELTA_SCHEMAS };

/** Inline operation schemas refer to components with local refs; point them at the registered spec. */
function rebase(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (!isObject(schema)) return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `spec${v}` : rebase(v)]));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { __unparseable__: text.slice(0, 200) };
  }
}

export function parseSse(text: string): { event: string; data: string }[] {
  return text
    .split(/\n\n/)
    .filter((frame) => frame.trim())
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? '';
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { event, data };
    });
}

/** A fetch for the SDK's `fetch` option that records every response for the contract check. */
export function createRecorder(): { fetch: typeof fetch; settled(): Promise<Recorded[]> } {
  const pending: Promise<Recorded>[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    // The SDK probes the platform with data: URLs; only the server's answers are recorded.
    if (!url.startsWith('http')) return response;
    const base = { method, url, status: response.status, contentType: response.headers.get('content-type') ?? '' };
    pending.push(
      response
        .clone()
        .text()
        .then((body) => ({ ...base, body }))
        .catch(() => ({ ...base, body: null })),
    );
    return response;
  };
  return { fetch: recordingFetch, settled: () => Promise.all(pending) };
}
