// send_email: the seed training's tool. Posts {to, subject, content} to the Logic App HTTP trigger.
// The trigger URL carries a SAS signature, so it never appears in outputs, errors or logs.
import { z } from 'zod';
import { redact } from '../logging';
import { defineTool } from './define-tool';
import { checkRecipients } from './recipients';
import { retryAfterMs as readRetryAfterMs } from '../retry-after';
import { abortableSleep, backoffDelayMs, isRetryableStatus, type RetryPolicy } from './retry-policy';
import { ToolError } from './tool-error';
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
  return defineTool<SendEmailArgs>({
    name: 'send_email',
    description: 'Sends an email with HTML content to one or more recipients in the allowed domains.',
    parameters,
    // A second call sends a second email.
    idempotent: false,
    execute: (args, ctx) => sendEmail(args, ctx, deps, policy),
  });
}

async function sendEmail(args: SendEmailArgs, ctx: ToolContext, deps: ToolDeps, policy: RetryPolicy) {
  const { config } = deps;
  const url = config.EMAIL_LOGIC_APP_URL;
  if (!url) throw new ToolError('Email is not configured in this deployment (no Logic App URL is set); no email was sent.');
  const check = checkRecipients(args.to, config.emailAllowedDomains, config.EMAIL_MAX_RECIPIENTS);
  if (!check.ok) throw new ToolError(check.message);

  const fetchImpl = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? abortableSleep;
  const random = deps.random ?? Math.random;
  const subject = args.subject?.trim() || DEFAULT_EMAIL_SUBJECT;
  // The Logic App's Outlook connector takes one string of semicolon-separated addresses.
  const body = JSON.stringify({ to: check.recipients.join(';'), subject, content: args.content });
  const domains = [...new Set(check.recipients.map((r) => r.slice(r.lastIndexOf('@') + 1).toLowerCase()))];

  let problem = '';
  let lastStatus: number | undefined;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    let retryAfterMs: number | undefined;
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        // The same key on every attempt lets the receiver recognise retries of one tool call.
        headers: { 'content-type': 'application/json', 'idempotency-key': ctx.toolCallId },
        body,
        signal: ctx.signal,
      });
      if (response.ok) {
        await response.body?.cancel();
        ctx.logger.info('email sent', { status: response.status, attempts: attempt, recipientCount: check.recipients.length, domains });
        return { ok: true, status: response.status, to: check.recipients, subject };
      }
      const detail = await errorDetail(response);
      lastStatus = response.status;
      if (!isRetryableStatus(response.status)) {
        throw new ToolError(`The email service refused the message (HTTP ${response.status}${detail}). No email was sent.`, { status: response.status });
      }
      problem = `HTTP ${response.status}${detail}`;
      retryAfterMs = readRetryAfterMs(response.headers, now());
    } catch (error) {
      // A timeout or cancellation, or a final refusal: nothing more to try.
      if (ctx.signal.aborted || error instanceof ToolError) throw error;
      lastStatus = undefined;
      problem = `could not reach it: ${networkCode(error)}`;
    }
    if (attempt === policy.maxAttempts) break;

    const delayMs = backoffDelayMs(attempt, policy, random, retryAfterMs);
    if (now() + delayMs >= ctx.deadlineMs) {
      throw new ToolError(
        `The email service is unavailable (${problem}); gave up after ${attempt} attempt(s) because the next retry would pass the time limit. The email was not confirmed as sent.`,
        { ...(lastStatus ? { status: lastStatus } : {}), attempts: attempt },
      );
    }
    ctx.logger.warn('email attempt failed; retrying', { attempt, status: lastStatus, problem, delayMs });
    await sleep(delayMs, ctx.signal);
  }
  throw new ToolError(`The email service is unavailable (${problem}) after ${policy.maxAttempts} attempts. The email was not confirmed as sent.`, {
    ...(lastStatus ? { status: lastStatus } : {}),
    attempts: policy.maxAttempts,
  });
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
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'network error';
}
