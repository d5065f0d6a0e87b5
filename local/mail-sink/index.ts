// Dev-only stand-in for the send-email Logic App: an HTTP trigger with the Logic App URL shape and
// answers (401 on a bad signature, 400 on a schema mismatch, 202 on success) that stores what it receives.
// Like the ACS workflow, it honours repeatable requests (./repeatability.ts): one email per Idempotency-Key.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { FaultInjector, faultsSchema } from './faults';
import { openMailStore, type MailStore, type StoredEmail } from './mail-store';
import { RepeatabilityTracker } from './repeatability';
import { BodyTooLargeError, closeServer, listen, readBody as readWholeBody, sendJson } from '../shared/http';

export interface MailSinkOptions {
  /** 0 (default) lets the OS pick a free port. */
  port?: number;
  host?: string;
  /** Folder for one JSON file per email; omitted → memory only. */
  dataDir?: string;
  /** The `sig` the trigger URL must carry. */
  signature?: string;
  /** Called after each stored email (the CLI prints a line). */
  onMail?: (email: StoredEmail) => void;
  /** Clock of the repeatability window (tests). */
  now?: () => number;
}

export interface RunningMailSink {
  /** Base URL, e.g. http://127.0.0.1:7090. */
  url: string;
  /** The trigger URL to configure as EMAIL_LOGIC_APP_URL. */
  logicAppUrl: string;
  close(): Promise<void>;
}

export const DEFAULT_SIGNATURE = 'local-dev-signature';
export const TRIGGER_PATH = '/workflows/send-email/triggers/manual/paths/invoke';
const MAX_BODY_BYTES = 1024 * 1024;

/** The send-email Logic App's Request trigger schema. Extra properties are allowed, as in Logic Apps. */
const triggerSchema = z.object({ to: z.string(), subject: z.string(), content: z.string() });

class HttpProblem extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startMailSink(options: MailSinkOptions = {}): Promise<RunningMailSink> {
  const host = options.host ?? '127.0.0.1';
  const signature = options.signature ?? DEFAULT_SIGNATURE;
  const store = await openMailStore(options.dataDir);
  const faults = new FaultInjector();
  const repeats = new RepeatabilityTracker(options.now);

  const { server, url } = await listen(
    (req, res) => {
      handle(req, res, { store, faults, repeats, signature, onMail: options.onMail }).catch((error: unknown) => {
        const problem = error instanceof HttpProblem ? error : new HttpProblem(500, 'InternalServerError', 'The mail sink failed to handle the request.');
        sendJson(res, problem.status, { error: { code: problem.code, message: problem.message } });
      });
    },
    { port: options.port, host },
  );
  const query = new URLSearchParams({ 'api-version': '2016-10-01', sp: '/triggers/manual/run', sv: '1.0', sig: signature });
  return {
    url,
    logicAppUrl: `${url}${TRIGGER_PATH}?${query.toString()}`,
    // Idempotent: closing an already closed sink is fine (tests close it to simulate an outage).
    close: () => closeServer(server, { force: true }),
  };
}

interface SinkState {
  store: MailStore;
  faults: FaultInjector;
  repeats: RepeatabilityTracker;
  signature: string;
  onMail?: (email: StoredEmail) => void;
}

async function handle(req: IncomingMessage, res: ServerResponse, state: SinkState): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://mail-sink');
  const route = `${req.method} ${url.pathname}`;
  if (url.pathname === TRIGGER_PATH) {
    if (req.method !== 'POST') throw new HttpProblem(405, 'MethodNotAllowed', 'The trigger accepts POST only.');
    return trigger(req, res, url, state);
  }
  switch (route) {
    case 'GET /_admin/health':
      return sendJson(res, 200, { status: 'ok' });
    case 'GET /_admin/mail':
      return sendJson(res, 200, { items: state.store.list() });
    case 'DELETE /_admin/mail':
      return sendJson(res, 200, { deleted: await state.store.clear() });
    case 'GET /_admin/faults':
      return sendJson(res, 200, { faults: state.faults.faults, stats: state.faults.stats });
    case 'POST /_admin/faults': {
      const parsed = faultsSchema.safeParse(parseJson(await readBody(req)));
      if (!parsed.success) throw new HttpProblem(400, 'InvalidFaults', z.prettifyError(parsed.error));
      state.faults.set(parsed.data);
      return sendJson(res, 200, { faults: state.faults.faults });
    }
    default:
      throw new HttpProblem(404, 'NotFound', `No route for ${route}.`);
  }
}

async function trigger(req: IncomingMessage, res: ServerResponse, url: URL, state: SinkState): Promise<void> {
  // Codes and messages as Azure Logic Apps answers them.
  const sig = url.searchParams.get('sig');
  if (!sig) throw new HttpProblem(401, 'DirectApiAuthorizationRequired', 'The request must be authenticated only by Shared Access scheme.');
  if (!sameSecret(sig, state.signature)) throw new HttpProblem(401, 'DirectApiInvalidAuthorizationSignature', 'The provided authorization signature is not valid.');

  const body = await readBody(req);
  state.faults.stats.requests++;
  const latency = state.faults.latencyMs();
  if (latency > 0) await delay(latency);
  const fault = state.faults.pick();
  if (fault === 429) {
    res.setHeader('retry-after', String(state.faults.faults.retry_after_seconds));
    throw new HttpProblem(429, 'WorkflowRequestsThrottled', 'The workflow is being throttled (injected fault).');
  }
  if (fault === 500) throw new HttpProblem(500, 'InternalServerError', 'The workflow failed (injected fault).');

  const parsed = triggerSchema.safeParse(parseJson(body), {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required property is missing' : undefined),
  });
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new HttpProblem(400, 'TriggerInputSchemaMismatch', `The input body for trigger 'manual' of type 'Request' did not match its schema definition. Error details: '${details}'.`);
  }
  const key = header(req, 'idempotency-key');
  const dedupe = !state.faults.faults.ignore_idempotency_key;
  const repeat = dedupe ? state.repeats.check(key, header(req, 'repeatability-first-sent'), body) : ({ kind: 'new' } as const);
  if (repeat.kind === 'rejected') throw new HttpProblem(repeat.status, repeat.code, repeat.message);
  if (repeat.kind === 'repeat') {
    // The first outcome again; nothing is sent.
    state.faults.stats.repeats++;
    res.writeHead(repeat.outcome.status, { 'x-ms-workflow-run-id': repeat.outcome.runId, 'repeatability-result': 'accepted', 'content-length': '0' }).end();
    return;
  }
  const email = await state.store.add({
    to: parsed.data.to,
    subject: parsed.data.subject,
    content: parsed.data.content,
    idempotencyKey: key ?? null,
    firstSent: header(req, 'repeatability-first-sent') ?? null,
  });
  if (dedupe) state.repeats.record(key, body, { status: 202, runId: email.id });
  state.faults.stats.accepted++;
  state.onMail?.(email);
  const lost = state.faults.loseAnswer();
  if (lost === 'drop') {
    // The email is stored; the caller only sees the connection go away.
    req.socket.destroy();
    return;
  }
  if (lost === '502') throw new HttpProblem(502, 'BadGateway', 'The workflow answer was lost (injected fault).');
  res.writeHead(202, { 'x-ms-workflow-run-id': email.id, ...(key && dedupe ? { 'repeatability-result': 'accepted' } : {}), 'content-length': '0' }).end();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpProblem(400, 'InvalidRequestContent', `The request content is not valid JSON: ${(error as Error).message}`);
  }
}

/** The body, or the Logic App's 413 past MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  return readWholeBody(req, { limit: MAX_BODY_BYTES }).catch((error: unknown) => {
    if (error instanceof BodyTooLargeError) throw new HttpProblem(413, 'RequestEntityTooLarge', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
    throw error;
  });
}
