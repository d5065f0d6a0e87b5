// The host hands a queue trigger JSON messages already parsed (strings otherwise).
import { runQueueMessageSchema, type RunQueueMessage } from '../store/run-queue';

export function parseQueuedRunMessage(queued: unknown): RunQueueMessage {
  return runQueueMessageSchema.parse(typeof queued === 'string' ? JSON.parse(queued) : queued);
}
