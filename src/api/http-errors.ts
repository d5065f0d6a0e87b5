// The one place errors become HTTP responses: `{error:{code,message}}`, never a stack trace,
// an upstream URL or a secret. Unexpected errors are logged (redacted) and answered generically.
import { OpenAIError } from 'openai';
import { classifyUpstreamError } from '../upstream/errors';
import type { HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { AppError, badRequest, type ErrorCode } from '../errors';
import { redact, type Logger } from '../logging';

/** A malformed request body, caught by the HTTP layer before validation. */
export const requestBodyError = (code: 'invalid_json' | 'invalid_multipart', message: string) => new AppError(code, message, 400);

export interface ErrorBodyShape {
  error: { code: ErrorCode; message: string };
}

const GENERIC_MESSAGE = 'An unexpected error occurred. Quote the x-request-id header when reporting it.';
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/** Field path as a client reads it: body.attachments[0].file_id. Long keys (client data) are shortened. */
function formatPath(prefix: string | undefined, path: readonly PropertyKey[]): string {
  const segment = (p: PropertyKey) => (String(p).length > 40 ? `${String(p).slice(0, 40)}…` : String(p));
  const parts = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 && !prefix ? '' : '.'}${segment(p)}`)).join('');
  return `${prefix ?? ''}${parts}` || (prefix ?? 'input');
}

function issueMessage(issue: z.core.$ZodIssue): string {
  // Record-key failures nest the reason (e.g. a too-long metadata key) one level down.
  if (issue.code === 'invalid_key' || issue.code === 'invalid_element') {
    return `${issue.message}: ${issue.issues.map((inner) => inner.message).join('; ')}`;
  }
  return issue.message;
}

/** "params.threadId: …; body.content: Too big: …" — one entry per bad field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix?: string): string {
  return issues.map((issue) => `${formatPath(prefix, issue.path)}: ${issueMessage(issue)}`).join('; ');
}

/** A 400 validation_failed naming every bad field of every request part. */
export function validationError(failures: { part: string; issues: readonly z.core.$ZodIssue[] }[]): AppError {
  return badRequest(failures.map((f) => describeIssues(f.issues, f.part)).join('; '));
}

/** Removes anything that could leak infrastructure: URLs (upstream endpoints, SAS links) and credentials. */
function scrub(message: string): string {
  return redact(message).replace(URL_IN_TEXT, '[url]');
}

function body(code: ErrorCode, message: string): string {
  const payload: ErrorBodyShape = { error: { code, message } };
  return JSON.stringify(payload);
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function errorResponse(thrown: unknown, logger: Logger): HttpResponseInit {
  // Upstream (openai SDK) failures map to 404/409/429/502/503 like every other typed error.
  const error = thrown instanceof OpenAIError ? classifyUpstreamError(thrown) : thrown;
  const headers: Record<string, string> = { 'Content-Type': JSON_CONTENT_TYPE };
  if (error instanceof AppError) {
    const retryAfter = error.details.retryAfterSeconds;
    if ((error.status === 429 || error.status === 503) && typeof retryAfter === 'number' && Number.isFinite(retryAfter)) {
      headers['Retry-After'] = String(Math.max(0, Math.ceil(retryAfter)));
    }
    if (error.status === 405 && error.details.allow) headers.Allow = error.details.allow.join(', ');
    if (error.status >= 500) logger.warn('request failed', { code: error.code, status: error.status, error: describe(error) });
    else logger.info('request rejected', { code: error.code, status: error.status });
    return { status: error.status, headers, body: body(error.code, scrub(error.message)) };
  }
  if (error instanceof z.core.$ZodError) {
    logger.info('request rejected', { code: 'validation_failed', status: 400 });
    return { status: 400, headers, body: body('validation_failed', scrub(describeIssues(error.issues))) };
  }
  logger.error('unexpected error', { error: describe(error) });
  return { status: 500, headers, body: body('internal_error', GENERIC_MESSAGE) };
}

/** For logs only (the logger redacts secrets in every string). */
function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}
