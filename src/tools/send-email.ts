// send_email: the seed training's tool. Posts {to, subject, content} to the Logic App HTTP trigger.
// The trigger URL carries a SAS signature, so it never appears in outputs, errors or logs.
// Every attempt of one call carries the same Idempotency-Key and Repeatability-First-Sent (src/tools/email/),
// and an attempt is repeated only when src/tools/email/retry-rule.ts says it cannot cause a second email.
import { z } from 'zod';
import { redact } from '../logging';
import { defineTool } from './define-tool';
import { emailIdempotencyKey, FIRST_SENT_HEADER, formatFirstSent, IDEMPOTENCY_KEY_HEADER } from './email/idempotency';
import { decideRetry, type AttemptFailure } from './email/retry-rule';
import { createEmailQuota, memoryCounters, type EmailQuota } from './email/send-quota';
import { checkRecipients } from './recipients';
import { retryAfterMs as readRetryAfterMs } from '../retry-after';
import { abortableSleep, backoffDelayMs, type RetryPolicy } from './retry-policy';
import { ToolError, UnknownOutcomeError } from './tool-error';
import type { RegisteredTool, ToolContext, ToolDeps } from './types';

export const DEFAULT_EMAIL_SUBJECT = 'Message from your assistant';
export const EMAIL_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

const parameters = z.strictObject({
  to: z.string().min(1).max(2_000).describe('Recipient email address, or several separated by commas or semicolons.'),
  content: z.string().min(1).max(100_000).describe('Body of the email, as HTML.'),
  subject: z.string().max(255).optional().describe(`Subject line. Default: "${DEFAULT_EMAIL_SUBJECT}".`),
});

type SendEmailArgs = z.infer<typeof parameters>;

export function createSendEmailTool(deps: ToolDeps, policy: RetryPolicy = EMAIL_RETRY_POLICY): RegisteredTool {
  const quota = deps.emailQuota ?? createEmailQuota(deps.config, memoryCounters());
  return defineTool<SendEmailArgs>({
    name: 'send_email',
    description: 'Sends an email with HTML content to one or more recipients in the allowed domains.',
    parameters,
    // A second call sends a second email.
    idempotent: false,
    execute: (args, ctx) => sendEmail(args, ctx, deps, policy, quota),
  });
}

const NOT_SENT = 'No email was sent.';
const MAYBE_SENT = 'The email may or may not have been sent; it was not sent again to avoid a duplicate. Tell the user it is unconfirmed rather than retrying.';

async function sendEmail(args: SendEmailArgs, ctx: ToolContext, deps: ToolDeps, policy: RetryPolicy, quota: EmailQuota) {
  const { config } = deps;
  const url = config.EMAIL_LOGIC_APP_URL;
  if (!url && config.unresolvedKeyVaultReferences.includes('EMAIL_LOGIC_APP_URL')) {
    throw new ToolError('Email is unavailable right now (its Logic App URL is a Key Vault reference the platform has not resolved yet); no email was sent. Try again later.', { unavailable: true });
  }
  if (!url) throw new ToolError('Email is not configured in this deployment (no Logic App URL is set); no email was sent.');
  const check = checkRecipients(args.to, config.emailAllowedDomains, config.EMAIL_MAX_RECIPIENTS);
  if (!check.ok) throw new ToolError(check.message);

  const fetchImpl = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? abortableSleep;
  const random = deps.random ?? Math.random;
  const reserved = await quota.reserve({ runId: ctx.runId, userId: ctx.userId, at: now() });
  if (!reserved.ok) throw new ToolError(reserved.message, { limit: true });

  const subject = args.subject?.trim() || DEFAULT_EMAIL_SUBJECT;
  // The Logic App's Outlook connector takes one string of semicolon-separated addresses.
  const body = JSON.stringify({ to: check.recipients.join(';'), subject, content: args.content });
  const domains = [...new Set(check.recipients.map((r) => r.slice(r.lastIndexOf('@') + 1).toLowerCase()))];
  // One key and one first-sent time for every attempt of this call, in every worker.
  const headers = {
    'content-type': 'application/json',
    [IDEMPOTENCY_KEY_HEADER]: emailIdempotencyKey(ctx.toolCallId),
    [FIRST_SENT_HEADER]: formatFirstSent(ctx.firstAttemptAt),
  };

  let problem = '';
  let lastStatus: number | undefined;
  for (let attempt = 1; ; attempt++) {
    let failure: AttemptFailure;
    try {
      const response = await fetchImpl(url, { method: 'POST', headers, body, signal: ctx.signal });
      if (response.ok) {
        await response.body?.cancel();
        ctx.logger.info('email sent', { status: response.status, attempts: attempt, recipientCount: check.recipients.length, domains });
        return { ok: true, status: response.status, to: check.recipients, subject };
      }
      const detail = await errorDetail(response);
      lastStatus = response.status;
      problem = `HTTP ${response.status}${detail}`;
      failure = { kind: 'response', status: response.status, retryAfterMs: readRetryAfterMs(response.headers, now()) };
    } catch (error) {
      // A timeout or cancellation: the registry reports it (as an unknown effect).
      if (ctx.signal.aborted) throw error;
      lastStatus = undefined;
      const code = networkCode(error);
      problem = `could not complete the request: ${code}`;
      failure = { kind: 'network', code };
    }
    const status = lastStatus ? { status: lastStatus } : {};

    const delayMs = backoffDelayMs(attempt, policy, random, failure.kind === 'response' ? failure.retryAfterMs : undefined);
    const decision = decideRetry({ failure, repeatability: config.EMAIL_REPEATABILITY, firstSentAt: ctx.firstAttemptAt, nextAttemptAt: now() + delayMs });
    if (decision.action === 'refused') throw new ToolError(`The email service refused the message (${problem}). ${NOT_SENT}`, status);
    if (decision.action === 'unknown') {
      ctx.logger.warn('email outcome unknown; not repeated', { attempt, status: lastStatus, problem, why: decision.why });
      throw new UnknownOutcomeError(`The email service did not confirm the message (${problem}). ${MAYBE_SENT}`, { ...status, attempts: attempt });
    }
    // Only retries that cannot duplicate get here; running out of attempts or time leaves the outcome open
    // unless no attempt can have been delivered.
    const giveUp = (why: string): never => {
      const msg = `The email service is unavailable (${problem}); ${why}.`;
      if (decision.why === 'repeatable') throw new UnknownOutcomeError(`${msg} ${MAYBE_SENT}`, { ...status, attempts: attempt });
      throw new ToolError(`${msg} ${NOT_SENT}`, { ...status, attempts: attempt });
    };
    if (attempt >= policy.maxAttempts) giveUp(`gave up after ${attempt} attempts`);
    if (now() + delayMs >= ctx.deadlineMs) giveUp(`gave up after ${attempt} attempt(s) because the next retry would pass the time limit`);
    ctx.logger.warn('email attempt failed; retrying', { attempt, status: lastStatus, problem, delayMs, why: decision.why });
    await sleep(delayMs, ctx.signal);
  }
}

/** A short, redacted reason from an error response: Logic Apps answer {error:{code,message}}. */
async function errorDetail(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).trim();
  if (!text) return '';
  let reason = text;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } | string; message?: unknown };
    const error = parsed.error;
    const candidate = typeof error === 'string' ? error : (error?.message ?? error?.code ?? parsed.message);
    if (typeof candidate === 'string') reason = candidate;
  } catch {
    // Not JSON: the text itself is the reason.
  }
  return `: ${redact(reason).slice(0, 300)}`;
}

/** The system error code (ECONNREFUSED, ...) rather than the message, which may name the endpoint. */
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; cause?: { code?: unknown } } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause?.cause && typeof cause.cause.code === 'string') return cause.cause.code;
  return error instanceof Error ? error.name : 'network error';
}
