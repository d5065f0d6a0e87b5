// The oracle: what no response may do, whatever was sent.
// - no 5xx (502/503 only where the route documents them for upstream failures);
// - every 4xx/5xx body is the envelope {"error":{"code":string,"message":string}} as application/json;
// - no cross-user leak: a response to anyone but A never carries A's ids or text that the request did not
//   itself contain, and B naming A's objects in the path is answered exactly like missing ids (404);
// - no hang: every request is answered (and its body ends) within the deadline.
import type { FuzzCase } from './generator';
import type { Operation } from './openapi';
import type { SendOutcome, WireRequest, WireResponse } from './send';

export type FindingKind = 'status_5xx' | 'outside_envelope' | 'cross_user_leak' | 'hang' | 'no_response' | 'unhealthy';

export interface Finding {
  kind: FindingKind;
  n: number;
  method: string;
  path: string;
  template: string;
  operationId: string;
  strategy: string;
  request: string;
  status: number | null;
  body: string;
  reason: string;
}

export interface OracleContext {
  /** A's ids and texts. */
  secrets: string[];
  /** Secrets B itself stored (in a body B sent, e.g. thread metadata): B's own data when they come back. */
  storedByB: Set<string>;
  operations: Map<string, Operation>;
}

export function excerpt(text: string, max = 300): string {
  const flat = JSON.stringify(text);
  return flat.length <= max ? flat : `${flat.slice(0, max)}…(${text.length} chars)`;
}

/** Everything the request carried, decoded, for "did the caller send this itself?" checks. */
function requestText(request: WireRequest): string {
  let path = request.path;
  try {
    path = `${path}\n${decodeURIComponent(path)}`;
  } catch {
    // Malformed escapes: the raw path is what we have.
  }
  const headers = Object.entries(request.headers).map(([k, v]) => `${k}: ${Buffer.from(v, 'latin1').toString('utf8')}`).join('\n');
  return `${path}\n${headers}\n${request.body ? request.body.toString('utf8') : ''}`;
}

/** Is this a JSON error envelope? Returns why not, or undefined when it is. */
export function envelopeProblem(response: WireResponse): string | undefined {
  if (response.text.length === 0) return 'empty body';
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    return 'body is not JSON';
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !error || typeof error !== 'object') return 'JSON without an error object';
  if (typeof error.code !== 'string' || error.code.length === 0) return 'error.code is not a non-empty string';
  if (typeof error.message !== 'string') return 'error.message is not a string';
  if (!/^application\/json\b/i.test(response.headers['content-type'] ?? '')) return `envelope served as ${JSON.stringify(response.headers['content-type'] ?? null)}`;
  return undefined;
}

/** The secrets a request's body carries (what B may store and later read back as its own). */
export function secretsInBody(request: WireRequest, secrets: string[]): string[] {
  if (!request.body) return [];
  const body = request.body.toString('utf8');
  return secrets.filter((s) => body.includes(s));
}

export function judge(c: FuzzCase, outcome: SendOutcome, ctx: OracleContext, twin?: SendOutcome): Finding[] {
  const findings: Finding[] = [];
  const base = { n: c.n, method: c.method, path: c.request.path.length > 200 ? `${c.request.path.slice(0, 200)}…` : c.request.path, template: c.template, operationId: c.operationId, strategy: c.strategy, request: c.summary };
  if (!outcome.ok) {
    if (outcome.kind === 'client_refused') return [];
    findings.push({ ...base, kind: outcome.kind, status: null, body: '', reason: outcome.detail });
    return findings;
  }
  const response = outcome.response;
  const add = (kind: FindingKind, reason: string) => findings.push({ ...base, kind, status: response.status, body: excerpt(response.text), reason });

  const op = ctx.operations.get(c.operationId);
  if (response.status >= 500) {
    const documented = (response.status === 502 || response.status === 503) && op?.responses.includes(String(response.status));
    if (!documented) add('status_5xx', `status ${response.status}`);
  }
  if (response.status >= 400) {
    const problem = envelopeProblem(response);
    if (problem) add('outside_envelope', problem);
  }

  // Leaks: A's ids or text in an answer to someone else that did not come from the request itself.
  const sent = requestText(c.request);
  const leaked = ctx.secrets.filter((secret) => response.text.includes(secret) && !sent.includes(secret) && !ctx.storedByB.has(secret));
  if (leaked.length > 0) add('cross_user_leak', `the response carries A's ${leaked.map((s) => excerpt(s, 40)).join(', ')}`);

  if (c.mustRefuse && response.status < 400) add('cross_user_leak', `${c.mustRefuse}: answered ${response.status}, not refused`);
  if (c.crossUser) {
    if (response.status !== 404) add('cross_user_leak', `B naming A's ${c.crossUser.foreignIds.join(', ')} got ${response.status}, not 404`);
    if (twin && twin.ok) {
      const normalise = (text: string, ids: string[]) => ids.reduce((t, id) => t.split(id).join('<id>'), text);
      const mine = normalise(response.text, c.crossUser.foreignIds);
      const missing = normalise(twin.response.text, c.crossUser.missingIds);
      if (twin.response.status !== response.status || mine !== missing) {
        add('cross_user_leak', `A's objects answer unlike missing ones: ${response.status} ${excerpt(mine, 120)} vs ${twin.response.status} ${excerpt(missing, 120)}`);
      }
    }
  }
  return findings;
}
