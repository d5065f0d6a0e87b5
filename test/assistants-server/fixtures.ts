// Tools and helpers the suites share.
import { APIError } from 'openai';
import type OpenAI from 'openai';

export const sendEmailTool: OpenAI.Beta.FunctionTool = {
  type: 'function',
  function: {
    name: 'send_email',
    description: 'Send an email.',
    parameters: { type: 'object', properties: { to: { type: 'string' }, subject: { type: 'string' } }, required: ['to'] },
  },
};

export const stockPriceTool: OpenAI.Beta.FunctionTool = {
  type: 'function',
  function: { name: 'get_stock_price', parameters: { type: 'object', properties: { symbol: { type: 'string' } } } },
};

/** Event names with runs of repeated deltas collapsed to one, for order assertions. */
export function collapseDeltas(events: string[]): string[] {
  return events.filter((e, i) => !(e.endsWith('.delta') && events[i - 1] === e));
}

/** A 1×1 transparent PNG. */
export const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** The APIError a request fails with (fails the test when it succeeds). */
export async function apiError(request: Promise<unknown>): Promise<APIError> {
  try {
    await request;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

/** The service's error body fields of a failed request. */
export async function errorOf(request: Promise<unknown>): Promise<{ status: number; message: string; param: string | null; code: string | null; type: string }> {
  const error = await apiError(request);
  const body = error.error as { message: string; param: string | null; code: string | null; type: string };
  return { status: error.status ?? 0, message: body.message, param: body.param, code: body.code, type: body.type };
}
