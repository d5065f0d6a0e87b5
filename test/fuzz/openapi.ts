// Reads the API's own OpenAPI document (served by the running app) into the operations the generator
// fuzzes: method, path template, parameters, request body and the statuses each route documents.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is untyped JSON
type Json = any;

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Json;
}

export interface Operation {
  operationId: string;
  method: string;
  /** The template relative to the server URL, e.g. '/threads/{threadId}'. */
  template: string;
  params: Param[];
  body?: { contentType: string; required: boolean; schema: Json };
  /** Documented response statuses ('200', '404', 'default', ...). */
  responses: string[];
  /** True when a 2xx answer is a text/event-stream. */
  streams: boolean;
}

export interface ApiDescription {
  doc: Json;
  operations: Operation[];
  /** Templates with the methods each one serves. */
  methodsByTemplate: Map<string, string[]>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function describeApi(doc: Json): ApiDescription {
  if (!doc || typeof doc.paths !== 'object') throw new Error('not an OpenAPI document');
  const operations: Operation[] = [];
  const methodsByTemplate = new Map<string, string[]>();
  for (const [template, item] of Object.entries<Json>(doc.paths)) {
    const shared: Json[] = item.parameters ?? [];
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params: Param[] = [...shared, ...(op.parameters ?? [])]
        .map((p) => resolve(doc, p))
        .filter((p) => p.in === 'path' || p.in === 'query' || p.in === 'header')
        .map((p) => ({ name: String(p.name), in: p.in, required: Boolean(p.required), schema: resolve(doc, p.schema ?? {}) }));
      let body: Operation['body'];
      if (op.requestBody) {
        const requestBody = resolve(doc, op.requestBody);
        const [contentType, media] = Object.entries<Json>(requestBody.content ?? {})[0] ?? [];
        if (contentType) body = { contentType, required: Boolean(requestBody.required), schema: resolve(doc, media?.schema ?? {}) };
      }
      operations.push({
        operationId: String(op.operationId ?? `${method} ${template}`),
        method: method.toUpperCase(),
        template,
        params,
        ...(body ? { body } : {}),
        responses: Object.keys(op.responses ?? {}),
        streams: Object.values<Json>(op.responses ?? {}).some((r) => Object.keys(resolve(doc, r)?.content ?? {}).includes('text/event-stream')),
      });
      methodsByTemplate.set(template, [...(methodsByTemplate.get(template) ?? []), method.toUpperCase()]);
    }
  }
  return { doc, operations, methodsByTemplate };
}

/** Follows a local `$ref` (one level at a time, until none is left). */
export function resolve(doc: Json, node: Json): Json {
  let current = node;
  for (let depth = 0; current && typeof current === 'object' && typeof current.$ref === 'string' && depth < 16; depth++) {
    const ref: string = current.$ref;
    if (!ref.startsWith('#/')) return current;
    current = ref
      .slice(2)
      .split('/')
      .reduce<Json>((at, key) => (at == null ? undefined : at[key.replace(/~1/g, '/').replace(/~0/g, '~')]), doc);
  }
  return current ?? {};
}

/**
 * A value that satisfies `schema` as far as this generator understands it (objects, strings with an
 * example or enum, integers in range, arrays): the well-formed baseline each hostile request mutates.
 */
export function sample(doc: Json, schema: Json, depth = 0): Json {
  const s = resolve(doc, schema);
  if (depth > 8 || !s || typeof s !== 'object') return null;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (s.default !== undefined && s.type !== 'object') return s.default;
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      const required: string[] = s.required ?? [];
      for (const [key, value] of Object.entries<Json>(s.properties ?? {})) {
        if (required.includes(key)) out[key] = sample(doc, value, depth + 1);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 0) }, () => sample(doc, s.items ?? {}, depth + 1));
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'string':
      if (s.format === 'binary') return 'fuzz';
      return 'hello from the fuzzer';
    default:
      return s.properties ? sample(doc, { ...s, type: 'object' }, depth) : null;
  }
}
