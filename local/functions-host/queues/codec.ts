// host.json `extensions.queues.messageEncoding`: base64 (default) or none, for triggers and output bindings alike.
export type MessageEncoding = 'base64' | 'none';

/** Message text → content bytes; undefined when a base64 queue holds text that is not base64. */
export function decodeMessage(text: string, encoding: MessageEncoding): Buffer | undefined {
  if (encoding === 'none') return Buffer.from(text, 'utf8');
  // Like .NET's Convert.FromBase64String: whitespace is ignored, anything else must be valid base64.
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

export function encodeMessage(content: string | Buffer, encoding: MessageEncoding): string {
  if (encoding === 'none') return Buffer.isBuffer(content) ? content.toString('utf8') : content;
  return (Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8')).toString('base64');
}
