// A user message's attachments become the thread's tool resources (recorded in the ledger thread row):
//   file_search      → the thread's vector store, made on first use (tagged with the deployment and thread), each
//                      file added and waited for until processed, so the run that follows can search it
//   code_interpreter → the thread's code files, offered in the container's file_ids (and copied into a live one)
// and, since a conversation item keeps no attachments, the message's own record of them (recordMessageAttachments)
// that the message list reads back.
import type OpenAI from 'openai';
import type { MessageCreateParams } from 'openai/resources/beta/threads/messages';
import { AppError } from '../../errors';
import type { Logger } from '../../logging';
import { METADATA_KEYS } from '../../runs/run-facts';
import type { MessageAttachment } from '../../store/ledger';
import { MAX_MESSAGE_ATTACHMENTS_CHARS } from '../../store/ledger/limits';
import type { Bindings } from './bindings';

export interface AttachmentDeps {
  client: OpenAI;
  bindings: Bindings;
  deploymentId: string;
  logger: Logger;
}

export async function attachFiles(deps: AttachmentDeps, threadId: string, attachments: MessageCreateParams.Attachment[]): Promise<void> {
  const withTool = (type: 'file_search' | 'code_interpreter') =>
    [...new Set(attachments.filter((a) => a.file_id && (a.tools ?? []).some((tool) => tool.type === type)).map((a) => a.file_id as string))];
  const searched = withTool('file_search');
  const code = withTool('code_interpreter');
  if (searched.length) {
    const storeId = await threadVectorStore(deps, threadId);
    for (const fileId of searched) {
      const added = await deps.client.vectorStores.files.createAndPoll(storeId, { file_id: fileId });
      if (added.status !== 'completed') {
        throw new AppError('upstream_error', `File ${fileId} could not be prepared for file search (${added.last_error?.code ?? added.status}).`, 502);
      }
    }
  }
  if (code.length) await addCodeFiles(deps, threadId, code);
}

async function threadVectorStore(deps: AttachmentDeps, threadId: string): Promise<string> {
  const existing = (await deps.bindings.thread(threadId)).vectorStoreId;
  if (existing) return existing;
  const created = await deps.client.vectorStores.create({
    name: `thread ${threadId}`,
    metadata: { [METADATA_KEYS.deployment]: deps.deploymentId, [METADATA_KEYS.threadId]: threadId },
  });
  const stored = await deps.bindings.updateResources(threadId, (current) => (current.vectorStoreId ? null : { ...current, vectorStoreId: created.id }));
  if (stored.vectorStoreId === created.id) return created.id;
  // Another writer recorded a store first: use theirs, drop ours.
  await deps.client.vectorStores.delete(created.id).catch((error: unknown) => deps.logger.warn('could not delete a surplus vector store', { threadId, error }));
  return stored.vectorStoreId as string;
}

async function addCodeFiles(deps: AttachmentDeps, threadId: string, fileIds: string[]): Promise<void> {
  const before = await deps.bindings.thread(threadId);
  const known = new Set(before.codeFileIds ?? []);
  const added = fileIds.filter((id) => !known.has(id));
  if (added.length === 0) return;
  const stored = await deps.bindings.updateResources(threadId, (current) => {
    const ids = [...new Set([...(current.codeFileIds ?? []), ...added])];
    return ids.length === (current.codeFileIds ?? []).length ? null : { ...current, codeFileIds: ids };
  });
  // A live container got its files when it was made; later ones are copied in. An expired or missing container is
  // replaced by a new auto container with every code file at the next run, so a failure here loses nothing.
  if (!stored.containerId) return;
  for (const fileId of added) {
    await deps.client.containers.files.create(stored.containerId, { file_id: fileId }).catch((error: unknown) =>
      deps.logger.info('could not copy a code file into the thread container; the next container gets it', { threadId, fileId, error }),
    );
  }
}

/**
 * Records which files a user message attached, under the conversation item create-once made or found: a lost answer
 * whose item was found records it once, under that item, and a repeat writes the same entry again (no change).
 * Written right after the item and before the run is recorded, so a message a run answers always has its record;
 * only a death between the two leaves an item no run answers, shown without its attachments.
 */
export async function recordMessageAttachments(bindings: Pick<Bindings, 'updateResources'>, threadId: string, itemId: string, attachments: MessageCreateParams.Attachment[]): Promise<void> {
  const entry: MessageAttachment[] = attachments.flatMap((a) => (a.file_id ? [{ file_id: a.file_id, tools: (a.tools ?? []).map((tool) => ({ type: tool.type })) }] : []));
  if (entry.length === 0) return;
  await bindings.updateResources(threadId, (current) => {
    const recorded = current.messageAttachments ?? {};
    if (JSON.stringify(recorded[itemId]) === JSON.stringify(entry)) return null;
    return { ...current, messageAttachments: newestWithinLimit({ ...recorded, [itemId]: entry }) };
  });
}

/** Drops the oldest messages' entries (JSON keeps insertion order for these non-numeric keys) until it fits its column. */
function newestWithinLimit(byItem: Record<string, MessageAttachment[]>): Record<string, MessageAttachment[]> {
  const entries = Object.entries(byItem);
  while (entries.length > 1 && JSON.stringify(Object.fromEntries(entries)).length > MAX_MESSAGE_ATTACHMENTS_CHARS) entries.shift();
  return Object.fromEntries(entries);
}
