// A tools/call result as the tool output the model reads: text as text, structured content as JSON, resource
// links by reference; image and audio bytes are described, not passed (a function output is text, and base64
// would only spend the output budget). The whole fits `maxChars` (the ledger's tool-output limit): the longest
// texts are cut first, then structured content too large on its own is left out, each cut marked.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export type McpOutputPart =
  | { type: 'text'; text: string; truncated?: true }
  | { type: 'image' | 'audio'; mimeType: string; bytes: number; note: string }
  | { type: 'resource_link'; uri: string; name: string; title?: string; mimeType?: string; description?: string }
  | { type: 'resource'; uri: string; mimeType?: string; text?: string; bytes?: number; truncated?: true };

export interface McpOutput {
  content: McpOutputPart[];
  structuredContent?: unknown;
  /** Set when parts were cut or left out to fit the output limit. */
  truncated?: true;
}

/** Room the registry's own wrapping needs around the output (the error envelope of a failed call). */
const MARGIN_CHARS = 256;

export function mcpResultOutput(result: Pick<CallToolResult, 'content' | 'structuredContent'>, maxChars: number): McpOutput {
  const output: McpOutput = { content: (result.content ?? []).map(part) };
  if (result.structuredContent !== undefined) output.structuredContent = result.structuredContent;
  return fit(output, maxChars - MARGIN_CHARS);
}

/** The error text of an `isError` result: what the server said, in its text parts. */
export function mcpErrorText(result: Pick<CallToolResult, 'content'>, maxChars: number): string {
  const text = (result.content ?? []).flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n').trim();
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

function part(content: CallToolResult['content'][number]): McpOutputPart {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: content.text };
    case 'image':
    case 'audio':
      return { type: content.type, mimeType: content.mimeType, bytes: base64Bytes(content.data), note: `${content.type} returned by the tool; its data is not passed on` };
    case 'resource_link':
      return {
        type: 'resource_link',
        uri: content.uri,
        name: content.name,
        ...(content.title ? { title: content.title } : {}),
        ...(content.mimeType ? { mimeType: content.mimeType } : {}),
        ...(content.description ? { description: content.description } : {}),
      };
    case 'resource': {
      const r = content.resource;
      return 'text' in r
        ? { type: 'resource', uri: r.uri, ...(r.mimeType ? { mimeType: r.mimeType } : {}), text: r.text }
        : { type: 'resource', uri: r.uri, ...(r.mimeType ? { mimeType: r.mimeType } : {}), bytes: base64Bytes(r.blob) };
    }
  }
}

function fit(output: McpOutput, budget: number): McpOutput {
  if (JSON.stringify(output).length <= budget) return output;
  output.truncated = true;
  // The bigger contributor gives way first: structured content, or the texts (the longest cut first).
  const structuredChars = output.structuredContent === undefined ? 0 : JSON.stringify(output.structuredContent).length;
  const textChars = output.content.reduce((sum, p) => sum + ('text' in p && typeof p.text === 'string' ? p.text.length : 0), 0);
  if (structuredChars >= textChars) omitStructured(output);
  cutTexts(output, budget);
  if (JSON.stringify(output).length > budget) omitStructured(output);
  // Still too large (very many parts): keep the first parts that fit.
  while (JSON.stringify(output).length > budget && output.content.length) output.content.pop();
  return output;
}

function omitStructured(output: McpOutput): void {
  if (output.structuredContent === undefined || (output.structuredContent as { omitted?: unknown }).omitted === true) return;
  output.structuredContent = { omitted: true, chars: JSON.stringify(output.structuredContent).length };
}

function cutTexts(output: McpOutput, budget: number): void {
  let size = JSON.stringify(output).length;
  const texts = output.content.filter((p): p is McpOutputPart & { text: string } => typeof (p as { text?: unknown }).text === 'string').sort((a, b) => b.text.length - a.text.length);
  for (const p of texts) {
    if (size <= budget) return;
    const over = size - budget;
    // JSON escapes make a character cost more than one: measure the encoded length.
    const encoded = JSON.stringify(p.text).length;
    const keep = Math.max(0, Math.floor((p.text.length * Math.max(0, encoded - over - 40)) / encoded));
    const before = JSON.stringify(p).length;
    p.text = `${p.text.slice(0, keep)}…`;
    (p as { truncated?: true }).truncated = true;
    size += JSON.stringify(p).length - before;
  }
}

function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}
