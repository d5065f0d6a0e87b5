// Ids shaped like the service's: a prefix and a random base62 suffix.
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomSuffix(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  // 248 is the largest multiple of 62 below 256: rejecting above it keeps the letters uniform.
  for (let i = 0; i < bytes.length && out.length < length; i++) if (bytes[i]! < 248) out += ALPHABET[bytes[i]! % 62];
  return out.length === length ? out : out + randomSuffix(length - out.length);
}

/** Responses-era ids are hex, e.g. resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b. */
function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

export const newId = {
  assistant: () => `asst_${randomSuffix(24)}`,
  thread: () => `thread_${randomSuffix(24)}`,
  message: () => `msg_${randomSuffix(24)}`,
  run: () => `run_${randomSuffix(24)}`,
  step: () => `step_${randomSuffix(24)}`,
  toolCall: () => `call_${randomSuffix(24)}`,
  file: () => `file-${randomSuffix(22)}`,
  vectorStore: () => `vs_${randomSuffix(24)}`,
  fileBatch: () => `vsfb_${randomSuffix(32)}`,
  chatCompletion: () => `chatcmpl-${randomSuffix(29)}`,
  response: () => `resp_${randomHex(48)}`,
  messageItem: () => `msg_${randomHex(48)}`,
  functionCallItem: () => `fc_${randomHex(48)}`,
  functionCallOutputItem: () => `fco_${randomHex(48)}`,
  codeInterpreterItem: () => `ci_${randomHex(48)}`,
  fileSearchItem: () => `fs_${randomHex(48)}`,
  conversation: () => `conv_${randomHex(48)}`,
  container: () => `cntr_${randomHex(48)}`,
  containerFile: () => `cfile_${randomHex(32)}`,
  request: () => `req_${randomBytes(16).toString('hex')}`,
};
