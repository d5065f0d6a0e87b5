// host.json: the parts the local host honours (HTTP route prefix, functionTimeout, queue polling semantics, log levels),
// with the real host's defaults when a value is absent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RpcLogLevel } from './worker/core-types';
import { parseLogLevel } from './logs';

export interface QueuesOptions {
  batchSize: number;
  /** Fetch a new batch when this many or fewer messages are in flight. */
  newBatchThreshold: number;
  maxPollingIntervalMs: number;
  /** Delay before a failed message becomes visible again. */
  visibilityTimeoutMs: number;
  maxDequeueCount: number;
  messageEncoding: 'base64' | 'none';
}

export interface HostJson {
  routePrefix: string;
  /** `functionTimeout`; undefined when unbounded (`-1`). Default 30 minutes, as on a dedicated/Premium plan and in Core Tools. */
  functionTimeoutMs: number | undefined;
  queues: QueuesOptions;
  logLevels: Record<string, RpcLogLevel>;
}

/** .NET TimeSpan text (`[d.]hh:mm[:ss[.fffffff]]`) → milliseconds. */
export function parseTimeSpan(text: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a TimeSpan such as 00:00:30`);
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match;
  const ms = Math.round(Number(`0.${fraction || '0'}`) * 1000);
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000 + ms;
}

const timeSpan = z.string().transform((text, ctx) => {
  try {
    return parseTimeSpan(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const logLevel = z.string().transform((text, ctx) => {
  try {
    return parseLogLevel(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** The host's default functionTimeout outside the Consumption plan (which uses 5 minutes). */
export const DEFAULT_FUNCTION_TIMEOUT_MS = 30 * 60_000;

const functionTimeout = z.union([z.literal('-1'), z.literal(-1), z.null(), timeSpan.refine((ms) => ms >= 1000, 'at least 00:00:01 (or -1 for no limit)')]);

const hostJsonSchema = z.object({
  functionTimeout: functionTimeout.optional(),
  logging: z.object({ logLevel: z.record(z.string(), logLevel).optional() }).loose().optional(),
  extensions: z
    .object({
      http: z.object({ routePrefix: z.string().optional() }).loose().optional(),
      queues: z
        .object({
          batchSize: z.number().int().min(1).max(32).optional(),
          newBatchThreshold: z.number().int().min(0).optional(),
          maxPollingInterval: timeSpan.refine((ms) => ms >= 100, 'at least 00:00:00.1').optional(),
          visibilityTimeout: timeSpan.optional(),
          maxDequeueCount: z.number().int().min(1).optional(),
          messageEncoding: z.enum(['base64', 'none']).optional(),
        })
        .loose()
        .optional(),
    })
    .loose()
    .optional(),
}).loose();

export function parseHostJson(raw: unknown): HostJson {
  const parsed = hostJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid host.json: ${problems.join('; ')}`);
  }
  const queues = parsed.data.extensions?.queues ?? {};
  const batchSize = queues.batchSize ?? 16;
  return {
    routePrefix: (parsed.data.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, ''),
    functionTimeoutMs: toFunctionTimeout(parsed.data.functionTimeout),
    queues: {
      batchSize,
      newBatchThreshold: queues.newBatchThreshold ?? Math.floor(batchSize / 2),
      maxPollingIntervalMs: queues.maxPollingInterval ?? 60_000,
      visibilityTimeoutMs: queues.visibilityTimeout ?? 0,
      maxDequeueCount: queues.maxDequeueCount ?? 5,
      messageEncoding: queues.messageEncoding ?? 'base64',
    },
    logLevels: parsed.data.logging?.logLevel ?? {},
  };
}

function toFunctionTimeout(value: number | string | null | undefined): number | undefined {
  if (value === undefined) return DEFAULT_FUNCTION_TIMEOUT_MS;
  return typeof value === 'number' && value > 0 ? value : undefined;
}

/** Reads `<scriptRoot>/host.json`; a missing file means every default. */
export function readHostJson(scriptRoot: string): HostJson {
  const file = path.join(scriptRoot, 'host.json');
  if (!existsSync(file)) return parseHostJson({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Invalid host.json (${file}): ${(error as Error).message}`);
  }
  return parseHostJson(raw);
}
