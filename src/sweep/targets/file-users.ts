// What keeps one of our files, per protocol. Asked once per sweep (the answer may list things first), then per
// old file of ours. A kept thread's files: see kept-thread-files.ts for which threads are looked at.
import type { FileObject } from 'openai/resources/files';
import type { FileWithUses } from '../../store/ledger';
import type { SweepContext } from '../context';
import { codeInterpreterFileIds, conversationItemFileIds, messageFileIds } from '../file-references';
import { collect, isGone } from '../upstream-calls';
import { KeptThreadFiles, type ThreadFiles } from './kept-thread-files';

export type FileUsersOf = (ctx: SweepContext) => Promise<(file: FileObject, record: FileWithUses | undefined) => Promise<boolean>>;

/** Assistants: a kept assistant's code interpreter lists it, or a kept thread uses it (its tool_resources, its messages). */
export const assistantsFileUsers: FileUsersOf = async (ctx) => {
  const assistants = (await ctx.assistants()).filter((a) => !ctx.doomed.assistants.has(a.id));
  const attached = new Set(assistants.flatMap((a) => codeInterpreterFileIds(a.tool_resources)));
  const threads = new KeptThreadFiles(ctx, assistantsThreadFiles);
  return async (file, record) => attached.has(file.id) || (record ? threads.isReferenced(file.id, record) : false);
};

const assistantsThreadFiles: ThreadFiles = async ({ client, requestOptions }, { threadId }) => {
  const thread = await client.beta.threads.retrieve(threadId, requestOptions);
  const messages = await collect(client.beta.threads.messages.list(threadId, { limit: 100 }, requestOptions));
  return [...codeInterpreterFileIds(thread.tool_resources), ...messages.flatMap(messageFileIds)];
};

/**
 * Responses: there are no assistants upstream. A data file is used while the current definitions' files are
 * uploaded under its name (the adapter finds them by name; unknown names: every data file is kept). An upload is
 * used while a kept thread has it: its code interpreter files (codeFileIds), its vector store, its conversation.
 */
export const responsesFileUsers: FileUsersOf = async (ctx) => {
  const dataFiles = ctx.dataFileNames ? await ctx.dataFileNames() : undefined;
  const threads = new KeptThreadFiles(ctx, responsesThreadFiles);
  return async (file, record) => {
    if (!record) return dataFiles ? dataFiles.has(file.filename) : true;
    return threads.isReferenced(file.id, record);
  };
};

const responsesThreadFiles: ThreadFiles = async ({ client, requestOptions }, thread) => {
  const ids = [...(thread.codeFileIds ?? [])];
  // Each source on its own: one that is gone (a deleted store) must not hide the others.
  if (thread.vectorStoreId) {
    const files = await unlessGone(collect(client.vectorStores.files.list(thread.vectorStoreId, { limit: 100 }, requestOptions)));
    ids.push(...files.map((f) => f.id));
  }
  const conversationId = thread.conversationId;
  if (conversationId) {
    ids.push(
      ...(await unlessGone(async () => {
        // Items need not carry ids, so collect() (which stops on a repeated id) does not fit; the SDK pages.
        const found: string[] = [];
        for await (const item of client.conversations.items.list(conversationId, { limit: 100 }, requestOptions)) found.push(...conversationItemFileIds(item));
        return found;
      })),
    );
  }
  return ids;
};

async function unlessGone<T>(listing: Promise<T[]> | (() => Promise<T[]>)): Promise<T[]> {
  try {
    return await (typeof listing === 'function' ? listing() : listing);
  } catch (error) {
    if (isGone(error)) return [];
    throw error;
  }
}
