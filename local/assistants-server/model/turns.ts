// What a model can do in one turn of a run, and the scripted forms of it accepted by POST /_admin/script.
import { z } from 'zod';
import { INT } from '../http/validate';

const delay = z.number().int().min(0, INT).max(3_600_000, INT).optional();
/** Arguments may be given as an object (serialised here) or as the JSON text the model would emit. */
const functionArguments = z.union([z.string(), z.record(z.string(), z.unknown())]).transform((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 text');
/**
 * Paces a reply's text: deltas of about `chunk_chars` characters, `interval_ms` apart on the server clock, so a
 * client can watch it grow (without it every delta is sent at once). A cancel between deltas stops the reply.
 */
const stream = z
  .strictObject({ chunk_chars: z.number().int().min(1, INT).max(100_000, INT), interval_ms: z.number().int().min(0, INT).max(60_000, INT) })
  .optional();

export const scriptTurnSchema = z.union([
  z.strictObject({
    tool_calls: z.array(z.strictObject({ name: z.string().min(1), arguments: functionArguments.default('{}') })).min(1),
    delay_ms: delay,
  }),
  z.strictObject({
    message: z.string(),
    image_png_base64: base64.optional(),
    /** Files the reply links as `sandbox:/mnt/data/<filename>` (each occurrence gets a file_path annotation). */
    files: z.array(z.strictObject({ filename: z.string().min(1), content_base64: base64 })).optional(),
    stream,
    delay_ms: delay,
  }),
  z.strictObject({
    fail: z.strictObject({ code: z.enum(['server_error', 'rate_limit_exceeded', 'invalid_prompt']), message: z.string() }),
    delay_ms: delay,
  }),
  z.strictObject({
    /** The run stops early: `incomplete` with this reason, after an incomplete message when one is given. */
    incomplete: z.strictObject({ reason: z.enum(['max_completion_tokens', 'max_prompt_tokens']) }),
    message: z.string().optional(),
    stream,
    delay_ms: delay,
  }),
  z.strictObject({
    code_interpreter: z.strictObject({ input: z.string(), logs: z.string().optional(), image_png_base64: base64.optional() }),
    delay_ms: delay,
  }),
  z.strictObject({
    /** The model searches the turn's vector stores (ranked chunks); the next reply cites the files found. */
    file_search: z.strictObject({ queries: z.array(z.string().min(1)).min(1) }),
    delay_ms: delay,
  }),
]);

export const chatTurnSchema = z.union([
  z.strictObject({ content: z.string(), delay_ms: delay }),
  z.strictObject({
    tool_calls: z.array(z.strictObject({ name: z.string().min(1), arguments: functionArguments.default('{}') })).min(1),
    delay_ms: delay,
  }),
]);

export type ScriptTurn = z.output<typeof scriptTurnSchema>;
export type ChatTurn = z.output<typeof chatTurnSchema>;

/** How a reply's text is streamed: delta size and the time between deltas (the default: 24 characters, no wait). */
export interface Pacing {
  chunkChars: number;
  intervalMs: number;
}

export const UNPACED: Pacing = { chunkChars: 24, intervalMs: 0 };

/** The engine's view of a turn, whichever model produced it. */
export type Turn =
  | { kind: 'tool_calls'; calls: { name: string; arguments: string }[]; delayMs: number }
  | { kind: 'message'; text: string; imagePngBase64?: string; files?: { filename: string; contentBase64: string }[]; pacing?: Pacing; delayMs: number }
  | { kind: 'fail'; code: 'server_error' | 'rate_limit_exceeded' | 'invalid_prompt'; message: string; delayMs: number }
  | { kind: 'incomplete'; reason: 'max_completion_tokens' | 'max_prompt_tokens'; text?: string; pacing?: Pacing; delayMs: number }
  | { kind: 'code_interpreter'; input: string; logs?: string; imagePngBase64?: string; delayMs: number }
  | { kind: 'file_search'; queries: string[]; delayMs: number };

export function fromScript(turn: ScriptTurn): Turn {
  const delayMs = turn.delay_ms ?? 0;
  if ('tool_calls' in turn) return { kind: 'tool_calls', calls: turn.tool_calls, delayMs };
  if ('incomplete' in turn) return { kind: 'incomplete', reason: turn.incomplete.reason, text: turn.message, pacing: pacingOf(turn.stream), delayMs };
  if ('message' in turn)
    return {
      kind: 'message',
      text: turn.message,
      imagePngBase64: turn.image_png_base64,
      files: turn.files?.map((f) => ({ filename: f.filename, contentBase64: f.content_base64 })),
      pacing: pacingOf(turn.stream),
      delayMs,
    };
  if ('fail' in turn) return { kind: 'fail', code: turn.fail.code, message: turn.fail.message, delayMs };
  if ('file_search' in turn) return { kind: 'file_search', queries: turn.file_search.queries, delayMs };
  return { kind: 'code_interpreter', input: turn.code_interpreter.input, logs: turn.code_interpreter.logs, imagePngBase64: turn.code_interpreter.image_png_base64, delayMs };
}

function pacingOf(stream: { chunk_chars: number; interval_ms: number } | undefined): Pacing | undefined {
  return stream && { chunkChars: stream.chunk_chars, intervalMs: stream.interval_ms };
}
