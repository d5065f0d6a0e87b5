// The file registry: which upstream files this deployment created, because upstream files carry no
// metadata to tag them with. Proposed as a ledger table (`<LEDGER_TABLE_PREFIX>Files`); it lives here
// until the ledger adopts it, built from the ledger's own table helpers.
//
//   file row     PK `file|<fileId>`, RK `file`              → what the file is and who uploaded it
//   thread rows  PK `file|<fileId>`, RK `thread|<threadId>` → threads it was attached to or produced in
//
// Writers: the upload route records `upload`s (with the caller as owner); the sweep records a thread's
// `run_output`s (files its runs wrote) before it deletes the thread; the worker may record outputs as
// they appear, and the message route may record attachments (recordFileUse). Reader: the sweep.
import { odata } from '@azure/data-tables';
import type { Config } from '../config';
import type { StorageClients } from '../store/storage-clients';
import { readString, readTime, toDate, type Row } from '../store/ledger/columns';
import { tableKey } from '../store/ledger/keys';
import { deletePartition, insertIfAbsent, lazyTable, queryEntities, type LazyTable } from '../store/ledger/table-ops';

export type FileSource = 'upload' | 'run_output';

export interface FileRecord {
  fileId: string;
  source: FileSource;
  /** The uploader, or the owner of the thread whose run wrote the file. */
  ownerId?: string;
  /** Threads the file was attached to or produced in. */
  threadIds: string[];
  /** Epoch milliseconds, like the ledger's times. */
  createdAt: number;
}

export interface NewFileRecord {
  fileId: string;
  source: FileSource;
  ownerId?: string;
  threadId?: string;
  createdAt: number;
}

export interface FileRegistry {
  /** Records a file (idempotent: the first record wins; a thread is added if given). */
  recordFile(file: NewFileRecord): Promise<void>;
  /** Notes that `threadId` uses the file (e.g. a message attaches it). */
  recordFileUse(fileId: string, threadId: string): Promise<void>;
  /** Every recorded file (the registry holds only ours, and the sweep keeps it small). */
  listFiles(): Promise<FileRecord[]>;
  /** Forgets the file and its thread rows. */
  deleteFileRecord(fileId: string): Promise<void>;
}

const FILE_ROW = 'file';
const filePk = (fileId: string) => `file|${tableKey(fileId)}`;
const threadRk = (threadId: string) => `thread|${tableKey(threadId)}`;

export const fileRegistryTableName = (config: Pick<Config, 'LEDGER_TABLE_PREFIX'>) => `${config.LEDGER_TABLE_PREFIX}Files`;

export function createFileRegistry(config: Pick<Config, 'LEDGER_TABLE_PREFIX'>, clients: Pick<StorageClients, 'table'>): FileRegistry {
  return fileRegistryOver(lazyTable(clients.table(fileRegistryTableName(config))));
}

export function fileRegistryOver(table: LazyTable): FileRegistry {
  const addThread = (fileId: string, threadId: string) => insertIfAbsent(table, filePk(fileId), threadRk(threadId), { fileId, threadId });
  return {
    async recordFile(file) {
      const row: Row = { fileId: file.fileId, source: file.source, ownerId: file.ownerId, createdAt: toDate(file.createdAt) };
      await insertIfAbsent(table, filePk(file.fileId), FILE_ROW, row);
      if (file.threadId) await addThread(file.fileId, file.threadId);
    },

    async recordFileUse(fileId, threadId) {
      await addThread(fileId, threadId);
    },

    async listFiles() {
      // '}' follows '|' in key order, so this range holds exactly the registry's partitions.
      const rows = await queryEntities(table, odata`PartitionKey gt ${'file|'} and PartitionKey lt ${'file}'}`);
      const files = new Map<string, FileRecord>();
      const threads = new Map<string, string[]>();
      for (const row of rows) {
        const fileId = String(row.fileId);
        if (row.rowKey === FILE_ROW) files.set(fileId, rowToFile(row));
        else threads.set(fileId, [...(threads.get(fileId) ?? []), String(row.threadId)]);
      }
      // Thread rows without a file row (a crash between the two inserts) are ignored: not known to be ours.
      return [...files.values()].map((file) => ({ ...file, threadIds: threads.get(file.fileId) ?? [] }));
    },

    async deleteFileRecord(fileId) {
      await deletePartition(table, filePk(fileId));
    },
  };
}

function rowToFile(row: Row): FileRecord {
  const source = readString(row, 'source');
  return {
    fileId: String(row.fileId),
    source: source === 'run_output' ? 'run_output' : 'upload',
    ownerId: readString(row, 'ownerId'),
    threadIds: [],
    createdAt: readTime(row, 'createdAt') ?? 0,
  };
}
