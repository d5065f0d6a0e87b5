// The hostile request generator: from the API's OpenAPI operations and a seed, a deterministic list of
// requests (broken JSON, wrong types, huge and deep bodies, control and bidi characters, traversal and
// OData-injection ids, oversize headers, wrong methods and content types, malformed multipart, bogus
// Last-Event-ID, out-of-range wait, and other users' real ids).
import { sample, type ApiDescription, type Operation, type Param } from './openapi';
import type { Rng } from './prng';
import { latin1, type WireRequest } from './send';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are arbitrary JSON
type Json = any;

/** The objects the fuzz run set up through the public API. */
export interface Fixtures {
  /** The victim: the fuzzer never acts as this user; its ids are what B tries. */
  a: { user: string; threads: string[]; runs: Array<{ threadId: string; runId: string }>; messages: string[]; files: string[]; toolCalls: string[]; texts: string[] };
  /** The fuzzer's own user, with real objects so requests get past the id checks. */
  b: { user: string; threadId: string; runId: string; fileId: string; messageId: string };
}

export type Actor = 'b' | 'anonymous' | 'stranger';

export interface FuzzCase {
  n: number;
  operationId: string;
  method: string;
  template: string;
  strategy: string;
  /** What was sent, in a line (values shortened). */
  summary: string;
  actor: Actor;
  request: WireRequest;
  /** Set when the request is well formed but names A's objects: it must answer exactly like `twin` (missing ids). */
  crossUser?: { twin: WireRequest; foreignIds: string[]; missingIds: string[] };
  /** Set when the request uses A's object as B's (an attachment, a tool call): it must be refused (4xx). */
  mustRefuse?: string;
}

export interface GeneratorContext {
  api: ApiDescription;
  fixtures: Fixtures;
  /** The server URL's path, e.g. '/api'. */
  prefix: string;
}

const CONTROL = '\u0000\u0001\u0007\b\u000b\f\u001b[31m\u007f\u0085';
const BIDI = '\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c';
const INVISIBLE = '\u200b\u200c\u200d\ufeff\u2028\u2029\u00ad';
const ODATA = ["' or PartitionKey ne '", "' or RowKey gt '' or '", "x') or true or ('", "' and 1 eq 1 and '", "PartitionKey eq 'fuzz-alice'", "''''", "\\'"];
const TRAVERSAL = ['..%2F..%2Fthreads', '..%2f..%2ffiles', '%2e%2e%2f%2e%2e%2fhealth', '..', '.', '%2e%2e', '%2e', '..%5C..%5Cwindows', '%252e%252e%252f', '..%252F', '..;', '%2F', '%2f%2f', '%00', '..%00', '%c0%ae%c0%ae%c0%af', '..%c0%af'];
const ODD_SEGMENTS = ['%ZZ', '%', '%E2%80%AE', '%ff%fe', '*', '~', '$metadata', '%20', '%09', '%0d%0aX-Injected:%201', '{threadId}', 'null', 'undefined', 'NaN', '-1', '0', 'CON', '%3Cscript%3E', 'a?b=c', 'a;b', '%23frag', '%3F'];

const enc = encodeURIComponent;

/** How a shortened value reads in a summary. */
export function short(value: string, max = 60): string {
  const printable = JSON.stringify(value);
  return printable.length <= max ? printable : `${printable.slice(0, max)}…(${value.length} chars)`;
}

export function createGenerator(ctx: GeneratorContext, rng: Rng) {
  const { api, fixtures, prefix } = ctx;
  const operations = api.operations;
  let n = 0;

  const identity = (actor: Actor): Record<string, string> =>
    actor === 'anonymous' ? {} : { 'x-user-id': actor === 'b' ? fixtures.b.user : `fuzz-stranger-${rng.int(1, 5)}` };

  /** A's objects of the kind this path parameter names. */
  const foreignIdFor = (param: Param, threadId?: string): string => {
    const kind = idKind(param);
    if (kind === 'thread') return rng.pick(fixtures.a.threads);
    if (kind === 'run') {
      const matching = fixtures.a.runs.filter((r) => !threadId || r.threadId === threadId);
      return rng.pick(matching.length > 0 ? matching : fixtures.a.runs).runId;
    }
    if (kind === 'file') return rng.pick(fixtures.a.files);
    return rng.pick(fixtures.a.threads);
  };
  const ownIdFor = (param: Param): string => {
    const kind = idKind(param);
    if (kind === 'thread') return fixtures.b.threadId;
    if (kind === 'run') return fixtures.b.runId;
    if (kind === 'file') return fixtures.b.fileId;
    if (param.name === 'path') return 'threads';
    return String(param.schema?.example ?? 'x');
  };

  const pathOf = (op: Operation, values: Record<string, string>): string =>
    prefix + op.template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? 'x');

  const pathParams = (op: Operation) => op.params.filter((p) => p.in === 'path');
  const queryParams = (op: Operation) => op.params.filter((p) => p.in === 'query');
  const headerParams = (op: Operation) => op.params.filter((p) => p.in === 'header');
  const isJson = (op: Operation) => op.body?.contentType === 'application/json';
  const isMultipart = (op: Operation) => op.body?.contentType === 'multipart/form-data';

  const ownValues = (op: Operation): Record<string, string> => {
    const values: Record<string, string> = {};
    for (const p of pathParams(op)) values[p.name] = enc(ownIdFor(p));
    // DELETE on the fuzzer's own thread would end the run's coverage: a missing id instead.
    if (op.method === 'DELETE') for (const p of pathParams(op)) values[p.name] = enc(missingLike(ownIdFor(p)));
    return values;
  };

  /** A well-formed query for the operation (mostly none: defaults). */
  const validQuery = (op: Operation): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const p of queryParams(op)) {
      if (!rng.chance(0.3)) continue;
      const v = validParamValue(p);
      if (v !== undefined) out[p.name] = v;
    }
    return out;
  };
  const validParamValue = (p: Param): string | undefined => {
    const s = p.schema ?? {};
    if (p.name === 'wait') return String(rng.int(0, 2));
    if (p.name === 'dry_run') return 'true';
    if (Array.isArray(s.enum)) return String(rng.pick(s.enum));
    if (s.type === 'integer') return String(rng.int(s.minimum ?? 1, Math.min(s.maximum ?? 10, 10)));
    if (p.name === 'run_id') return fixtures.b.runId;
    if (p.name === 'after') return undefined;
    return undefined;
  };

  const validBody = (op: Operation): { body?: Buffer; contentType?: string } => {
    if (!op.body) return {};
    if (isMultipart(op)) {
      const m = multipart([filePart('fuzz.txt', 'text/plain', 'fuzz file body'), field('purpose', 'assistants')]);
      return { body: m.body, contentType: m.contentType };
    }
    return { body: Buffer.from(JSON.stringify(validJson(op))), contentType: 'application/json' };
  };
  const validJson = (op: Operation): Json => {
    const value = sample(api.doc, op.body?.schema ?? {});
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if ('content' in value) value.content = `fuzz ${rng.string(6)}`;
      if (Array.isArray(value.tool_outputs)) value.tool_outputs = [{ tool_call_id: `call_${rng.string(12)}`, output: 'fuzz' }];
    }
    return value;
  };

  const wire = (method: string, path: string, query: Record<string, string> | string, headers: Record<string, string>, body?: Buffer, contentType?: string, op?: Operation): WireRequest => {
    const qs = typeof query === 'string' ? query : Object.entries(query).map(([k, v]) => `${k}=${v}`).join('&');
    return {
      method,
      path: qs ? `${path}?${qs}` : path,
      headers: { ...headers, ...(contentType !== undefined && contentType !== '' ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { body } : {}),
      ...(op?.streams ? { sse: true } : {}),
    };
  };

  const make = (op: Operation | undefined, strategy: string, summary: string, actor: Actor, request: WireRequest, crossUser?: FuzzCase['crossUser'], mustRefuse?: string): FuzzCase => ({
    n: n++,
    operationId: op?.operationId ?? '(unmatched)',
    method: request.method,
    template: op?.template ?? '(none)',
    strategy,
    summary,
    actor,
    request,
    ...(crossUser ? { crossUser } : {}),
    ...(mustRefuse ? { mustRefuse } : {}),
  });

  // ---- strategies -------------------------------------------------------------------------------

  function pathIdCase(op: Operation): FuzzCase {
    const params = pathParams(op);
    const values = ownValues(op);
    const target = rng.pick(params);
    const own = ownIdFor(target);
    const hostile = rng.weighted<() => string>([
      [3, () => rng.pick(TRAVERSAL)],
      [1, () => `${enc(own)}${rng.pick(TRAVERSAL)}`],
      [1, () => `${rng.pick(TRAVERSAL)}${enc(own)}`],
      [3, () => enc(`${rng.chance(0.5) ? own : ''}${rng.pick(ODATA)}`)],
      [1, () => rng.pick(ODATA).replace(/ /g, '%20')],
      [2, () => rng.pick(ODD_SEGMENTS)],
      [1, () => enc(own + rng.pick([...CONTROL]))],
      [1, () => enc(rng.pick([...BIDI]) + own)],
      [1, () => enc(own.replace(/[a-z]/, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0 - 0x20)))],
      [1, () => enc(own.slice(0, own.indexOf('_') + 1 || 5) + 'a'.repeat(rng.pick([65, 200, 3000])))],
      [1, () => enc(own.toUpperCase())],
      [1, () => enc(own) + '%2F' + enc(own)],
      [1, () => `${enc(own)}/${rng.pick(['x', '..', '.', ''])}`],
      [1, () => ''],
      [1, () => enc(rng.pick([fixtures.b.runId, fixtures.b.threadId, fixtures.b.fileId, fixtures.b.messageId]))],
      [1, () => enc(`${own}\u0430`)],
      [1, () => enc(rng.string(rng.int(1, 40), `${CONTROL}${BIDI}${INVISIBLE}abc_-./\\'"%`))],
    ])();
    values[target.name] = hostile;
    const { body, contentType } = validBody(op);
    const request = wire(op.method, pathOf(op, values), validQuery(op), identity('b'), body, contentType, op);
    return make(op, 'path-id', `${target.name}=${short(hostile)}`, 'b', request);
  }

  const hostileScalar = (p: Param): string => {
    const s = p.schema ?? {};
    if (s.type === 'integer' || s.type === 'number') {
      const max = typeof s.maximum === 'number' ? s.maximum : 100;
      const min = typeof s.minimum === 'number' ? s.minimum : 0;
      return rng.pick([String(min - 1), String(max + 1), String(max * 1000), '-0', '+5', '1e3', '1.5', 'NaN', 'Infinity', '-Infinity', '0x10', '0b11', '%205', '5%20', '', '99999999999999999999999999', '5abc', '%00', enc('１２'), '[]', enc('{}'), 'true', enc('١٢'), '1_0', '010', enc(' '), enc(String(2 ** 53 + 1))]);
    }
    if (Array.isArray(s.enum)) {
      const first = String(s.enum[0]);
      return rng.pick([first.toUpperCase(), `${first}%00`, '', `${first}%20`, enc(`${first};drop table`), enc(rng.pick(ODATA)), 'x'.repeat(5000), enc(first + rng.pick([...BIDI]))]);
    }
    return rng.weighted<() => string>([
      [2, () => enc(rng.pick(ODATA))],
      [2, () => rng.pick(TRAVERSAL)],
      [1, () => enc('a'.repeat(rng.pick([129, 2000, 7000])))],
      [2, () => enc(rng.string(rng.int(1, 20), `${CONTROL}${BIDI}${INVISIBLE}ab`))],
      [1, () => rng.pick(ODD_SEGMENTS)],
      [1, () => enc(`${p.schema?.example ?? 'x'}${rng.pick([...BIDI])}`)],
      [1, () => ''],
      [1, () => '-1'],
      [1, () => '9'.repeat(rng.pick([12, 13, 40]))],
    ])();
  };

  function queryCase(op: Operation): FuzzCase {
    const params = queryParams(op);
    const query = validQuery(op);
    let label: string;
    const wait = params.find((p) => p.name === 'wait');
    const roll = rng.next();
    if (wait && roll < 0.35) {
      const value = rng.pick(['-1', '231', '1000', '86400', '-5', '1e9', '230.5', 'NaN', 'Infinity', '0x1', 'soon', '', '%20', '99999999999999999999', '-0.1', '3600']);
      query.wait = value;
      label = `wait=${short(value)}`;
    } else if (params.length > 0 && roll < 0.8) {
      const p = rng.pick(params);
      const value = hostileScalar(p);
      query[p.name] = value;
      label = `${p.name}=${short(value)}`;
    } else {
      const extra = rng.pick([
        ['__proto__[admin]', 'true'],
        ['constructor[prototype][x]', '1'],
        ['$filter', enc("PartitionKey ne ''")],
        ['limit[]', '5'],
        ['x'.repeat(3000), '1'],
        ['', ''],
        ['%ZZ', '%ZZ'],
        ['user', fixtures.a.user],
        ['x-user-id', fixtures.a.user],
        ['a', 'b'.repeat(10000)],
      ] as const);
      label = `extra ${short(extra[0])}=${short(extra[1])}`;
      const qs = Object.entries(query).map(([k, v]) => `${k}=${v}`);
      qs.push(extra[0] === '' ? '&&&=' : `${extra[0]}=${extra[1]}`);
      // The same parameter twice, for routes that have one.
      if (params[0] && rng.chance(0.5)) qs.push(`${params[0].name}=${hostileScalar(params[0])}`, `${params[0].name}=${validParamValue(params[0]) ?? 'x'}`);
      const { body, contentType } = validBody(op);
      return make(op, 'query', label, 'b', wire(op.method, pathOf(op, ownValues(op)), qs.join('&'), identity('b'), body, contentType, op));
    }
    const { body, contentType } = validBody(op);
    return make(op, 'query', label, 'b', wire(op.method, pathOf(op, ownValues(op)), query, identity('b'), body, contentType, op));
  }

  function headerCase(op: Operation): FuzzCase {
    const headers: Record<string, string> = identity('b');
    let label: string;
    let actor: Actor = 'b';
    const named = headerParams(op);
    const roll = rng.next();
    if (named.length > 0 && roll < 0.5) {
      const p = rng.pick(named);
      const value = rng.pick(['-1', 'abc', '1/2', '9'.repeat(13), '99999999999', '0', ' 1', '1 ', '1e3', '0x10', '1,2', '', 'x'.repeat(8000), "' or PartitionKey ne '", '../1', latin1('１'), latin1('\u202e1'), '00000000000001', '4294967296', '-0']);
      headers[p.name] = value;
      label = `${p.name}: ${short(value)}`;
    } else if (roll < 0.7) {
      const size = rng.pick([8 * 1024, 17 * 1024, 33 * 1024, 65 * 1024, 100 * 1024]);
      const which = rng.pick(['x-fuzz-pad', 'cookie', 'x-user-id', 'referer', 'accept', 'many']);
      if (which === 'many') {
        for (let i = 0; i < Math.ceil(size / 1024); i++) headers[`x-fuzz-${i}`] = 'v'.repeat(1000);
      } else if (which === 'x-user-id') {
        headers['x-user-id'] = 'u'.repeat(size);
        actor = 'stranger';
      } else headers[which] = `${which === 'referer' ? 'http://x/' : ''}${'a'.repeat(size)}`;
      label = `oversize header ${which} ~${Math.round(size / 1024)} KiB`;
    } else {
      // Identity headers with hostile values (never a spelling of A's id: the server may trim or fold).
      const value = rng.pick(['', ' ', 'has space', 'slash/user', '../bob', latin1(`fuzz-bob\u202e`), latin1('fuzz\u200bbob'), 'fuzz-bob\t', "' or PartitionKey ne '", "bob' or '1' eq '1", '%66uzz-bob', 'FUZZ-BOB', 'x'.repeat(129), latin1('ｆｕｚｚ'), '*', '$', 'null']);
      headers['x-user-id'] = value;
      actor = 'stranger';
      label = `x-user-id: ${short(value)}`;
      if (rng.chance(0.3)) {
        headers['x-ms-client-principal'] = rng.pick(['', 'not-base64!!', Buffer.from('{"claims":[]}').toString('base64'), Buffer.from('[]').toString('base64'), 'e30=']);
        label += ' + x-ms-client-principal';
      }
    }
    const { body, contentType } = validBody(op);
    return make(op, 'header', label, actor, wire(op.method, pathOf(op, ownValues(op)), validQuery(op), headers, body, contentType, op));
  }

  function jsonBodyCase(op: Operation): FuzzCase {
    const valid = validJson(op);
    const text = JSON.stringify(valid);
    const kind = rng.weighted<string>([
      [4, 'broken'],
      [3, 'wrong-type'],
      [2, 'missing'],
      [2, 'extra'],
      [2, 'huge'],
      [2, 'deep'],
      [3, 'chars'],
      [1, 'scalar'],
    ]);
    let body: Buffer;
    let label: string;
    switch (kind) {
      case 'broken': {
        const raw = rng.pick<Buffer | string>([
          text.slice(0, rng.int(0, Math.max(0, text.length - 1))),
          '{',
          '}',
          '{"',
          `${text.slice(0, -1)},}`,
          text.replace(/"/g, "'"),
          `\ufeff${text}`,
          `${text}garbage`,
          `${text}${text}`,
          '{"content":"\\ud800"}',
          '{"content":"\\u0000x"}',
          '{"content":"x\\"}',
          '{"content":NaN}',
          '{"content":1e999}',
          '{"content":"x",,"metadata":{}}',
          '{"content":"x" /* comment */}',
          '{"__proto__":{"admin":true},"content":"x"}',
          '{"constructor":{"prototype":{"polluted":1}},"content":"x"}',
          '{"content":"x","content":5}',
          '{"tool_outputs":[{"tool_call_id":"call_a","output":"x"},]}',
          '',
          ' ',
          '\u0000',
          Buffer.from([0x7b, 0x22, 0x63, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
          Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]),
          Buffer.from(`\ufeff${text}`, 'utf16le'),
        ]);
        body = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
        label = `broken JSON ${short(body.toString('utf8'), 50)}`;
        break;
      }
      case 'wrong-type':
      case 'missing':
      case 'extra': {
        const value = valid && typeof valid === 'object' && !Array.isArray(valid) ? { ...valid } : {};
        const keys = Object.keys(value);
        const props = Object.keys(op.body?.schema?.properties ?? {});
        if (kind === 'wrong-type') {
          const key = rng.pick(props.length > 0 ? props : ['content']);
          value[key] = rng.pick<Json>([42, -1, 1.5, true, false, null, [], [null], {}, { $ne: null }, 'x'.repeat(10), [value[key]], { value: value[key] }, '', 9e307]);
          label = `${key}: ${short(JSON.stringify(value[key]), 40)}`;
        } else if (kind === 'missing') {
          const key = keys.length > 0 ? rng.pick(keys) : 'content';
          delete value[key];
          label = `without ${key}`;
        } else {
          const key = rng.pick(['role', 'user_id', 'thread_id', 'id', 'admin', '__proto__', 'constructor', 'x'.repeat(300), '', 'instructions', 'model', 'tools']);
          value[key] = rng.pick<Json>(['system', fixtures.a.user, fixtures.a.threads[0], true, { nested: true }, 1]);
          label = `extra field ${short(key, 30)}`;
        }
        body = Buffer.from(JSON.stringify(value));
        break;
      }
      case 'huge': {
        const size = rng.pick([257_000, 600_000, 1_300_000, 3_000_000]);
        const shape = rng.pick(['string', 'metadata', 'array', 'outputs']);
        let value: Json;
        if (shape === 'string') value = { ...valid, content: 'x'.repeat(size), output: 'y'.repeat(size) };
        else if (shape === 'metadata') value = { ...valid, metadata: Object.fromEntries(Array.from({ length: Math.ceil(size / 20) }, (_, i) => [`k${i}`, 'v'])) };
        else if (shape === 'array') value = { ...valid, attachments: Array.from({ length: Math.ceil(size / 60) }, (_, i) => ({ file_id: `file-${i}`, tools: [{ type: 'file_search' }] })) };
        else value = { ...valid, tool_outputs: Array.from({ length: rng.pick([129, 1000, 20000]) }, (_, i) => ({ tool_call_id: `call_${i}`, output: 'o' })) };
        body = Buffer.from(JSON.stringify(value));
        label = `huge body (${shape}, ${Math.round(body.byteLength / 1024)} KiB)`;
        break;
      }
      case 'deep': {
        const depth = rng.pick([100, 1000, 10_000, 100_000]);
        const where = rng.pick(['root', 'metadata', 'content', 'outputs']);
        const open = rng.chance(0.5) ? '[' : '{"a":';
        const close = open === '[' ? ']' : '}';
        const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
        const raw = where === 'root' ? nested : where === 'metadata' ? `{"content":"x","metadata":{"k":${nested}}}` : where === 'content' ? `{"content":${nested}}` : `{"tool_outputs":[{"tool_call_id":"call_a","output":${nested}}]}`;
        body = Buffer.from(raw);
        label = `nested ${depth} deep (${where}, ${open === '[' ? 'arrays' : 'objects'})`;
        break;
      }
      case 'chars': {
        const value = valid && typeof valid === 'object' && !Array.isArray(valid) ? { ...valid } : {};
        const nasty = rng.string(rng.int(1, 30), `${CONTROL}${BIDI}${INVISIBLE}\ud83d\ude00\u0301aé中`) + rng.pick(['', '\ud800', '\udfff', '%00', '${jndi:ldap://x}', '{{7*7}}', '<script>alert(1)</script>', "'; DROP TABLE x; --"]);
        const key = rng.pick([...Object.keys(op.body?.schema?.properties ?? {}), 'metadata', 'metadata-key']);
        if (key === 'metadata') value.metadata = { k: nasty };
        else if (key === 'metadata-key') value.metadata = { [nasty]: 'v' };
        else if (key === 'tool_outputs') value.tool_outputs = [{ tool_call_id: `call_${nasty}`, output: nasty }];
        else if (key === 'attachments') value.attachments = [{ file_id: `file-${nasty}`, tools: [{ type: nasty }] }];
        else value[key] = nasty;
        body = Buffer.from(JSON.stringify(value));
        label = `control/bidi characters in ${key}: ${short(nasty, 40)}`;
        break;
      }
      default: {
        const raw = rng.pick(['null', 'true', '42', '"content"', '[]', `[${text}]`, '-0', '1e999']);
        body = Buffer.from(raw);
        label = `body ${raw.slice(0, 30)}`;
      }
    }
    const request = wire(op.method, pathOf(op, ownValues(op)), validQuery(op), identity('b'), body, 'application/json', op);
    return make(op, 'body-json', label, 'b', request);
  }

  function contentTypeCase(op: Operation): FuzzCase {
    const { body: validBytes } = validBody(op);
    const body = rng.chance(0.8) ? validBytes : Buffer.from(rng.pick(['content=x', '<xml/>', 'x', '{}']));
    const contentType = rng.pick([
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'multipart/form-data; boundary=xyz',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset="utf-8"; x=y',
      'APPLICATION/JSON',
      'application/jsonx',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/json, text/plain',
      'application/*',
      '*/*',
      ';;;',
      'application/',
      '/json',
      `application/json; boundary=${'a'.repeat(5000)}`,
      latin1('application/json\u202e'),
      'application/octet-stream',
      'image/png',
      '',
    ]);
    const request = wire(op.method, pathOf(op, ownValues(op)), validQuery(op), identity('b'), body, contentType, op);
    // No Content-Type at all, but a body.
    return make(op, 'content-type', `content-type ${short(contentType, 40)}`, 'b', request);
  }

  function multipartCase(op: Operation): FuzzCase {
    const kind = rng.pick([
      'no-boundary', 'wrong-boundary', 'unterminated', 'empty', 'preamble-only', 'no-file', 'no-purpose', 'bad-purpose', 'two-files', 'two-purposes',
      'traversal-name', 'control-name', 'bidi-name', 'long-name', 'empty-name', 'no-filename', 'rfc5987-name', 'bad-extension', 'no-disposition',
      'long-part-header', 'over-limit', 'many-parts', 'long-boundary', 'lf-only', 'mixed', 'json-instead', 'header-injection', 'quote-in-name', 'nul-content',
    ] as const);
    const good = () => [filePart('fuzz.txt', 'text/plain', 'fuzz'), field('purpose', 'assistants')];
    let parts: string[] = good();
    let contentType: string | undefined;
    let raw: Buffer | undefined;
    const b = `fuzzb${rng.string(8)}`;
    switch (kind) {
      case 'no-boundary': contentType = 'multipart/form-data'; break;
      case 'wrong-boundary': contentType = 'multipart/form-data; boundary=nope'; break;
      case 'unterminated': raw = Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc`); break;
      case 'empty': raw = Buffer.alloc(0); break;
      case 'preamble-only': raw = Buffer.from('just some text\r\n'); break;
      case 'no-file': parts = [field('purpose', 'assistants')]; break;
      case 'no-purpose': parts = [filePart('a.txt', 'text/plain', 'x')]; break;
      case 'bad-purpose': parts = [filePart('a.txt', 'text/plain', 'x'), field('purpose', rng.pick(['fine-tune', '', 'ASSISTANTS', 'assistants\u0000', 'assistants ', 'x'.repeat(5000)]))]; break;
      case 'two-files': parts = [filePart('a.txt', 'text/plain', 'x'), filePart('b.txt', 'text/plain', 'y'), field('purpose', 'assistants')]; break;
      case 'two-purposes': parts = [filePart('a.txt', 'text/plain', 'x'), field('purpose', 'assistants'), field('purpose', 'vision')]; break;
      case 'traversal-name': parts = [filePart(rng.pick(['../../etc/passwd.txt', '..\\..\\win.ini.txt', '/etc/hosts.txt', 'C:\\x.txt', '%2e%2e%2fa.txt', 'a/../../b.txt']), 'text/plain', 'x'), field('purpose', 'assistants')]; break;
      case 'control-name': parts = [filePart(`a${rng.pick(['\u0000', '\u0007', '\u001b', '\u007f'])}b.txt`, 'text/plain', 'x'), field('purpose', 'assistants')]; break;
      case 'bidi-name': parts = [filePart(`invoice\u202efdp.txt`, 'text/plain', 'x'), field('purpose', 'assistants')]; break;
      case 'long-name': parts = [filePart(`${'n'.repeat(rng.pick([256, 1000, 20000]))}.txt`, 'text/plain', 'x'), field('purpose', 'assistants')]; break;
      case 'empty-name': parts = [filePart('', 'text/plain', 'x'), field('purpose', 'assistants')]; break;
      case 'no-filename': parts = ['Content-Disposition: form-data; name="file"\r\nContent-Type: text/plain\r\n\r\nx', field('purpose', 'assistants')]; break;
      case 'rfc5987-name': parts = ["Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''%E2%80%AE%2e%2e%2fa.txt\r\nContent-Type: text/plain\r\n\r\nx", field('purpose', 'assistants')]; break;
      case 'bad-extension': parts = [filePart(rng.pick(['a.exe', 'a', '.txt', 'a.txt.', 'a.TXT', 'a.txt%00.exe', 'a..txt']), 'application/octet-stream', 'x'), field('purpose', 'assistants')]; break;
      case 'no-disposition': parts = ['Content-Type: text/plain\r\n\r\nx', field('purpose', 'assistants')]; break;
      case 'long-part-header': parts = [`Content-Disposition: form-data; name="file"; filename="a.txt"\r\nX-Long: ${'h'.repeat(rng.pick([10_000, 100_000]))}\r\n\r\nx`, field('purpose', 'assistants')]; break;
      case 'over-limit': parts = [filePart('big.txt', 'text/plain', 'z'.repeat(rng.pick([70_000, 300_000, 2_000_000]))), field('purpose', 'assistants')]; break;
      case 'many-parts': parts = [...Array.from({ length: rng.pick([100, 2000]) }, (_, i) => field(`f${i}`, 'v')), ...good()]; break;
      case 'long-boundary': {
        const long = 'B'.repeat(rng.pick([71, 200, 5000]));
        const m = multipart(good(), long);
        raw = m.body;
        contentType = m.contentType;
        break;
      }
      case 'lf-only': raw = Buffer.from(`--${b}\nContent-Disposition: form-data; name="file"; filename="a.txt"\n\nx\n--${b}\nContent-Disposition: form-data; name="purpose"\n\nassistants\n--${b}--\n`); break;
      case 'mixed': contentType = `multipart/mixed; boundary=${b}`; break;
      case 'json-instead': raw = Buffer.from('{"file":"x","purpose":"assistants"}'); contentType = rng.pick(['application/json', `multipart/form-data; boundary=${b}`]); break;
      case 'header-injection': parts = ['Content-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nx', field('purpose', 'assistants')]; break;
      case 'quote-in-name': parts = [filePart('a".txt"; name="purpose', 'text/plain', 'x'), field('purpose', 'assistants')]; break;
      case 'nul-content': parts = [filePart('a.csv', 'text/csv', '\u0000\u0000\ufffe\u202e'), field('purpose', 'assistants')]; break;
    }
    let body: Buffer;
    if (raw !== undefined) {
      body = raw;
      contentType ??= `multipart/form-data; boundary=${b}`;
    } else {
      const m = multipart(parts, b);
      body = m.body;
      contentType ??= m.contentType;
    }
    const request = wire(op.method, pathOf(op, ownValues(op)), {}, identity('b'), body, contentType, op);
    return make(op, 'multipart', `multipart ${kind} (${Math.round(body.byteLength / 1024)} KiB)`, 'b', request);
  }

  function methodCase(op: Operation): FuzzCase {
    const served = api.methodsByTemplate.get(op.template) ?? [];
    const candidates = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'FUZZ'].filter((m) => !served.includes(m));
    const method = rng.pick(candidates);
    const withBody = rng.chance(0.5) && method !== 'TRACE';
    const request = wire(method, pathOf(op, ownValues(op)), {}, identity(rng.chance(0.85) ? 'b' : 'anonymous'), withBody ? Buffer.from('{}') : undefined, withBody ? 'application/json' : undefined);
    return make(op, 'method', `${method} (route serves ${served.join(',')})`, request.headers['x-user-id'] ? 'b' : 'anonymous', request);
  }

  function anonymousCase(op: Operation): FuzzCase {
    const { body, contentType } = rng.chance(0.5) ? validBody(op) : { body: Buffer.from('{"content":'), contentType: 'application/json' };
    const values = rng.chance(0.5) ? ownValues(op) : Object.fromEntries(pathParams(op).map((p) => [p.name, rng.pick(TRAVERSAL)]));
    return make(op, 'anonymous', 'no identity', 'anonymous', wire(op.method, pathOf(op, values), validQuery(op), {}, body, contentType, op));
  }

  function baselineCase(op: Operation): FuzzCase {
    const { body, contentType } = validBody(op);
    return make(op, 'baseline', 'well-formed', 'b', wire(op.method, pathOf(op, ownValues(op)), validQuery(op), identity('b'), body, contentType, op));
  }

  /** B names A's real objects. In the path: must be 404 exactly like missing ids. Elsewhere: must not leak. */
  function crossUserCase(op: Operation): FuzzCase {
    const params = pathParams(op).filter((p) => idKind(p) !== undefined);
    if (params.length > 0 && (rng.chance(0.75) || !hasForeignQueryOrBody(op))) {
      const foreign: Record<string, string> = {};
      const missing: Record<string, string> = {};
      const own: Record<string, string> = {};
      for (const p of pathParams(op)) own[p.name] = ownIdFor(p);
      // Which parameters carry A's ids: all of them, or only the inner one on B's own thread.
      const mode = params.length > 1 && rng.chance(0.3) ? 'inner' : 'all';
      for (const p of params) {
        if (mode === 'inner' && idKind(p) === 'thread') continue;
        foreign[p.name] = foreignIdFor(p, foreign.threadId);
        missing[p.name] = missingLike(foreign[p.name]!);
      }
      const values = (ids: Record<string, string>) => Object.fromEntries(pathParams(op).map((p) => [p.name, enc(ids[p.name] ?? own[p.name]!)]));
      let bodyText: string | undefined;
      if (op.body && isJson(op)) {
        const valid = validJson(op);
        if (Array.isArray(valid?.tool_outputs)) valid.tool_outputs = [{ tool_call_id: rng.pick(fixtures.a.toolCalls), output: '{"city":"Mallory town"}' }];
        bodyText = JSON.stringify(valid);
      }
      const headers = identity('b');
      const make1 = (ids: Record<string, string>) => {
        const body = op.body ? (bodyText !== undefined ? Buffer.from(bodyText) : validBody(op).body) : undefined;
        const contentType = op.body ? (bodyText !== undefined ? 'application/json' : validBody(op).contentType) : undefined;
        return wire(op.method, pathOf(op, values(ids)), {}, headers, body, contentType, op);
      };
      // A multipart body has a random boundary: build it once and share it.
      const request = make1(foreign);
      const twin = { ...make1(missing), body: request.body, headers: request.headers };
      return make(op, 'cross-user', `A's ${Object.keys(foreign).join(', ')} in the path (${mode})`, 'b', request, {
        twin,
        foreignIds: Object.values(foreign),
        missingIds: Object.values(missing),
      });
    }
    // A's ids where B's request may legitimately name any id: cursors, filters, attachments, tool call ids.
    const query = validQuery(op);
    let body: Buffer | undefined;
    let contentType: string | undefined;
    let label = '';
    let mustRefuse: string | undefined;
    const q = queryParams(op).filter((p) => p.name === 'after' || p.name === 'run_id' || p.name === 'last_event_id');
    if (q.length > 0 && (rng.chance(0.6) || !isJson(op))) {
      const p = rng.pick(q);
      const value = p.name === 'run_id' ? rng.pick(fixtures.a.runs).runId : rng.pick([...fixtures.a.threads, ...fixtures.a.messages, ...fixtures.a.runs.map((r) => r.runId), ...fixtures.a.files]);
      query[p.name] = enc(value);
      label = `${p.name}=A's id`;
      ({ body, contentType } = validBody(op));
    } else {
      const valid = validJson(op) ?? {};
      if ('content' in valid) {
        valid.attachments = [{ file_id: rng.pick(fixtures.a.files), tools: [{ type: rng.pick(['file_search', 'code_interpreter']) }] }];
        mustRefuse = "B attaches A's file to B's message";
      }
      if ('tool_outputs' in valid) {
        valid.tool_outputs = [{ tool_call_id: rng.pick(fixtures.a.toolCalls), output: 'x' }];
        mustRefuse = "B submits an output for A's tool call";
      }
      if (!('content' in valid) && !('tool_outputs' in valid)) valid.metadata = { thread: rng.pick(fixtures.a.threads) };
      body = Buffer.from(JSON.stringify(valid));
      contentType = 'application/json';
      label = `A's ids in the body`;
    }
    return make(op, 'cross-user', label, 'b', wire(op.method, pathOf(op, ownValues(op)), query, identity('b'), body, contentType, op), undefined, mustRefuse);
  }

  const hasForeignQueryOrBody = (op: Operation) => isJson(op) || queryParams(op).some((p) => ['after', 'run_id', 'last_event_id'].includes(p.name));

  /** Paths and methods no operation serves. */
  function unmatchedCase(): FuzzCase {
    const { b } = fixtures;
    const path = rng.pick([
      `${prefix}`,
      `${prefix}/`,
      `${prefix}/nope`,
      `${prefix}/threads/${b.threadId}/nope`,
      `${prefix}/threads/${b.threadId}/messages/${b.messageId}`,
      `${prefix}/threads/${b.threadId}/runs/${b.runId}/steps/step_abc`,
      `${prefix}/threads/${b.threadId}/runs/${b.runId}/submit_tool_outputs`,
      `${prefix}/threads/`,
      `${prefix}//threads`,
      `${prefix}/threads//messages`,
      `${prefix}/files/`,
      `${prefix}/files/${b.fileId}/content/x`,
      `${prefix}/%2e%2e/%2e%2e/etc/passwd`,
      `${prefix}/../../etc/passwd`,
      `${prefix}/threads/../files`,
      `${prefix}/openapi.json/x`,
      `${prefix}/openapi.yaml`,
      `${prefix}/health/..`,
      `${prefix}/health%00`,
      `${prefix}/maintenance`,
      `${prefix}/maintenance/sweep/x`,
      `${prefix}/THREADS`,
      `${prefix}/Threads/${b.threadId}`,
      `${prefix}/threads.json`,
      `${prefix}/threads%2F${b.threadId}`,
      `${prefix}/admin`,
      `${prefix}/.env`,
      `${prefix}/${'x'.repeat(rng.pick([300, 5000]))}`,
      `${prefix}/threads/${'a/'.repeat(200)}`,
      `${prefix}/%E2%80%AEthreads`,
      `${prefix}/threads?%`,
      '/',
      '/robots.txt',
      '/admin/host/status',
      '/runtime/webhooks/durabletask',
      `${prefix.toUpperCase()}/threads`,
    ]);
    const method = rng.pick(['GET', 'GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS']);
    const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
    const request = wire(method, path, '', identity(rng.chance(0.85) ? 'b' : 'anonymous'), withBody ? Buffer.from('{}') : undefined, withBody ? 'application/json' : undefined);
    return make(undefined, 'unmatched', `${method} ${short(path, 70)}`, request.headers['x-user-id'] ? 'b' : 'anonymous', request);
  }

  /** The next hostile case (deterministic for the seed). */
  function next(): FuzzCase {
    if (rng.chance(1 / (operations.length + 1))) return unmatchedCase();
    // Routes that take a body have the most to get wrong: they are drawn three times as often.
    const op = rng.weighted(operations.map((o) => [o.body ? 3 : 1, o] as const));
    const strategies: Array<readonly [number, (op: Operation) => FuzzCase]> = [
      [0.5, baselineCase],
      [0.7, anonymousCase],
      [op.template === '/{path}' ? 0 : 1.5, methodCase],
      [1.5, headerCase],
      [1.5, queryCase],
    ];
    if (pathParams(op).length > 0 && op.template !== '/{path}') strategies.push([3, pathIdCase]);
    if (op.template === '/{path}') strategies.push([1.5, pathIdCase]);
    if (op.body) strategies.push([1.5, contentTypeCase]);
    if (isJson(op)) strategies.push([5, jsonBodyCase]);
    if (isMultipart(op)) strategies.push([6, multipartCase]);
    if (pathParams(op).some((p) => idKind(p) !== undefined) || hasForeignQueryOrBody(op)) strategies.push([2.5, crossUserCase]);
    if (op.streams) strategies.push([2, headerCase]);
    return rng.weighted(strategies)(op);
  }

  return { next };
}

/** The kind of object a path parameter names, from its name or its pattern. */
export function idKind(param: Param): 'thread' | 'run' | 'file' | undefined {
  const pattern = String(param.schema?.pattern ?? '');
  if (/thread/i.test(param.name) || pattern.startsWith('^thread_')) return 'thread';
  if (/^run/i.test(param.name) || pattern.startsWith('^run_')) return 'run';
  if (/file/i.test(param.name) || pattern.includes('file')) return 'file';
  return undefined;
}

/** An id of the same shape that names nothing: same prefix and length, other characters. */
export function missingLike(id: string): string {
  const cut = Math.max(id.indexOf('_'), id.indexOf('-')) + 1;
  const tail = id.slice(cut);
  let replaced = '';
  for (let i = 0; i < tail.length; i++) replaced += 'ZyXwVuTsRq0987654321'[i % 20];
  return id.slice(0, cut) + replaced;
}

function field(name: string, value: string): string {
  return `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;
}

function filePart(filename: string, type: string, content: string): string {
  return `Content-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n${content}`;
}

function multipart(parts: string[], boundary = 'fuzzboundary7d3'): { body: Buffer; contentType: string } {
  const body = parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`;
  return { body: Buffer.from(body, 'utf8'), contentType: `multipart/form-data; boundary=${boundary}` };
}
