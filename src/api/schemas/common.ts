// Schemas shared by several routes: the error envelope, metadata, pagination and list pages.
import { z } from 'zod';
import { Cursor } from './ids';

/** Every 4xx/5xx body. `code` is stable for programs, `message` is for people. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string().meta({ example: 'body.content: Too big: expected string to have <=256000 characters' }),
    }),
  })
  .meta({ id: 'Error', description: 'Error envelope carried by every 4xx and 5xx response.' });

export const METADATA_LIMITS = { pairs: 16, keyChars: 64, valueChars: 512 } as const;

/** OpenAI's metadata limits: at most 16 pairs, keys up to 64 and values up to 512 characters. */
export const Metadata = z
  .record(z.string().min(1).max(METADATA_LIMITS.keyChars), z.string().max(METADATA_LIMITS.valueChars))
  .refine((m) => Object.keys(m).length <= METADATA_LIMITS.pairs, {
    message: `Too big: expected at most ${METADATA_LIMITS.pairs} metadata pairs`,
  })
  .meta({
    id: 'Metadata',
    description: `Up to ${METADATA_LIMITS.pairs} string pairs; keys up to ${METADATA_LIMITS.keyChars} and values up to ${METADATA_LIMITS.valueChars} characters.`,
    maxProperties: METADATA_LIMITS.pairs,
  });

/** Unix time in seconds, as the Assistants protocol reports it. */
export const UnixSeconds = z.number().int().nonnegative().meta({ description: 'Unix time in seconds.', example: 1_717_000_000 });

/**
 * An integer query parameter. Only digit strings convert (z.coerce would also take '0x10',
 * '1e2' and null), so OpenAPI shows a plain bounded integer.
 */
export function queryInt(min: number, max: number) {
  return z.preprocess(
    (v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
    z.number({ error: (issue) => (issue.code === 'invalid_type' ? 'Invalid input: expected an integer' : undefined) }).int().min(min).max(max),
  );
}

export const Limit = queryInt(1, 100).default(20).meta({ description: 'Page size, 1–100.' });
export const Order = z.enum(['asc', 'desc']).default('desc').meta({ description: 'Sort by creation time.' });

export const PageQuery = z.object({ limit: Limit, after: Cursor.optional() });
export const OrderedPageQuery = PageQuery.extend({ order: Order });

/** A page of items: `last_id` is the cursor to pass as `after` for the next page. */
export function listOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      data: z.array(item),
      has_more: z.boolean(),
      last_id: z.string().nullable(),
    })
    .meta({ id });
}
