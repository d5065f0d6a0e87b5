// How Responses ids are shown to the rest of the app, whose id shapes are the Assistants API's
// (src/api/schemas/ids.ts): container files become `file-<cfile id>`, output items `step_<item id without _>`.
import { randomBytes } from 'node:crypto';

const CONTAINER_FILE_PREFIX = 'file-';

/** A thread id of ours (the API's `thread_…` shape); the conversation it is bound to is upstream's. */
export const newThreadId = (): string => `thread_${randomBytes(12).toString('hex')}`;

/** `cfile_…` → `file-cfile_…` (fits the API's FileId pattern; the ledger keeps the container beside it). */
export const containerFileAppId = (containerFileId: string): string => `${CONTAINER_FILE_PREFIX}${containerFileId}`;

/** The container file id inside an app file id, or undefined for an ordinary upstream file. */
export function containerFileIdOf(appFileId: string): string | undefined {
  const rest = appFileId.startsWith(CONTAINER_FILE_PREFIX) ? appFileId.slice(CONTAINER_FILE_PREFIX.length) : undefined;
  return rest?.startsWith('cfile_') ? rest : undefined;
}

/** `msg_ab12` / `fc_ab12` → `step_msgab12` / `step_fcab12` (the API's step ids are `step_` + letters and digits). */
export const stepIdOf = (itemId: string): string => `step_${itemId.replace(/[^A-Za-z0-9]/g, '')}`;
