// The Files table: which upstream files belong to whom (upstream files carry no owner or metadata), and so
// which files are this deployment's at all: the sweep deletes an upload or a run output only if it is here.
//   file row    PK `file|<fileId>`, RK `file`              → point read by id (ownership check = compare ownerId)
//   use rows    PK `file|<fileId>`, RK `thread|<threadId>` → threads that use the file (e.g. a message attaches it)
// A file is addressed by its id alone, so "another user's file answers 404" costs one point read. Use rows
// share the file's partition, so forgetting the file forgets them with it.
// Writers: uploads by POST /files, run outputs (images, file_path links) by the run worker as a run's message
// completes and by the sweep from the messages of a thread it is about to delete. Reader of the lists: the sweep.
import { odata } from '@azure/data-tables';
import { AppError } from '../../errors';
import { columnMap, type Row } from './columns';
import { tableKey } from './keys';
import { deletePartition, insertIfAbsent, mutateEntity, NO_CHANGE, queryEntities, readEntity, stripSystem, type Entity, type LazyTable } from './table-ops';

export type FilePurpose = 'assistants' | 'assistants_output';
/** `upload`: sent through our API (purpose `assistants`); `generated`: written by one of our runs (`assistants_output`). */
export type FileSource = 'upload' | 'generated';

/** Times are epoch milliseconds. */
export interface FileRecord {
  fileId: string;
  ownerId: string;
  purpose: FilePurpose;
  filename: string;
  bytes: number;
  contentType: string;
  createdAt: number;
  /** Where a generated file was written. */
  threadId?: string;
  runId?: string;
  source: FileSource;
  /** Responses protocol: a generated file lives in this container (its id is then the container file's, see src/upstream/responses). */
  containerId?: string;
}

/**
 * What a recorder must know. The sweep finds run outputs by id in a thread's messages and does not pay a
 * request per file for its name and size: left out, they read as defaults until a fuller record fills them in.
 */
export type NewFileRecord = Omit<FileRecord, 'filename' | 'bytes' | 'contentType'> & Partial<Pick<FileRecord, 'filename' | 'bytes' | 'contentType'>>;

/** A file with the threads known to use it: where it was written and every recorded use, sorted, distinct. */
export interface FileWithUses extends FileRecord {
  threadIds: string[];
}

export interface FileStore {
  /**
   * Records a file as its owner's. Idempotent: recording it again returns the stored record, with columns
   * it lacked filled in. The first owner stays the owner.
   */
  recordFile(file: NewFileRecord): Promise<FileRecord>;
  /** The file if it is recorded and belongs to `ownerId`; otherwise null (answer 404 either way). */
  getOwnedFile(fileId: string, ownerId: string): Promise<FileRecord | null>;
  /** Notes that `threadId` uses the file (idempotent). Uses of a file never recorded are not listed. */
  recordFileUse(fileId: string, threadId: string): Promise<void>;
  /** Files recorded before `cutoff`. Scans the table, so it belongs in the timer job. */
  listFilesCreatedBefore(cutoff: number, options?: { limit?: number }): Promise<FileRecord[]>;
  /**
   * Every recorded file with its uses, for the sweep, which must match each upstream file against them.
   * Scans the table (it holds only this deployment's files, and the sweep forgets deleted ones).
   */
  listFilesWithUses(): Promise<FileWithUses[]>;
  /** Forgets the file (its row and its use rows); false when nothing was recorded. */
  deleteFileRow(fileId: string): Promise<boolean>;
}

const FILE_ROW = 'file';
const filePk = (fileId: string) => `file|${tableKey(fileId)}`;
const useRk = (threadId: string) => `thread|${tableKey(threadId)}`;
// '}' follows '|' in key order, so this range holds exactly the file partitions.
const FILE_PARTITIONS = odata`PartitionKey gt ${'file|'} and PartitionKey lt ${'file}'}`;

export function createFileStore(table: LazyTable): FileStore {
  const readFile = async (fileId: string) => {
    const entity = await readEntity(table, filePk(fileId), FILE_ROW);
    return entity ? rowToFile(stripSystem(entity)) : null;
  };

  return {
    async recordFile(file) {
      const row = fileToRow(file);
      for (let attempt = 1; attempt <= 3; attempt++) {
        if (await insertIfAbsent(table, filePk(file.fileId), FILE_ROW, row)) return rowToFile(row);
        // Already there (a retry, or another recorder's row): complete it rather than overwrite it.
        const result = await mutateEntity(table, filePk(file.fileId), FILE_ROW, (stored) => {
          const missing = Object.entries(row).filter(([name, value]) => value !== undefined && stored[name] === undefined);
          return missing.length ? { ...stored, ...Object.fromEntries(missing) } : NO_CHANGE;
        });
        if (result) return rowToFile(result.row);
        // Deleted in between: insert afresh.
      }
      throw new AppError('conflict', `File ${file.fileId} is being recorded concurrently; try again.`, 409);
    },

    async getOwnedFile(fileId, ownerId) {
      const file = await readFile(fileId);
      // A row without an owner belongs to nobody.
      return file && file.ownerId !== '' && file.ownerId === ownerId ? file : null;
    },

    async recordFileUse(fileId, threadId) {
      await insertIfAbsent(table, filePk(fileId), useRk(threadId), { fileId, threadId });
    },

    async listFilesCreatedBefore(cutoff, options = {}) {
      const filter = `${FILE_PARTITIONS} and ${odata`RowKey eq ${FILE_ROW} and createdAt lt ${new Date(cutoff)}`}`;
      return (await queryEntities(table, filter, { limit: options.limit })).map((entity) => rowToFile(stripSystem(entity)));
    },

    listFilesWithUses: async () => withUses(await queryEntities(table, FILE_PARTITIONS)),

    deleteFileRow: async (fileId) => (await deletePartition(table, filePk(fileId))) > 0,
  };
}

function withUses(entities: Entity[]): FileWithUses[] {
  const files = new Map<string, FileRecord>();
  const uses = new Map<string, string[]>();
  for (const entity of entities) {
    const row = stripSystem(entity);
    const fileId = String(row.fileId);
    if (entity.rowKey === FILE_ROW) files.set(fileId, rowToFile(row));
    else uses.set(fileId, [...(uses.get(fileId) ?? []), String(row.threadId)]);
  }
  // Use rows without a file row (a use noted before, or without, the file's record) are ignored: not known to be ours.
  return [...files.values()].map((file) => {
    const threadIds = [...(file.threadId ? [file.threadId] : []), ...(uses.get(file.fileId) ?? [])];
    return { ...file, threadIds: [...new Set(threadIds)].sort() };
  });
}

/** The Files table's file row columns. Times are stored as Edm.DateTime so filters can compare them. */
const FILE_COLUMNS = columnMap<FileRecord>(
  {
    fileId: 'string',
    ownerId: 'string',
    purpose: 'string',
    filename: 'string',
    bytes: 'number',
    contentType: 'string',
    createdAt: 'time',
    threadId: 'string',
    runId: 'string',
    source: 'string',
    containerId: 'string',
  },
  { ownerId: '', bytes: 0, contentType: 'application/octet-stream', createdAt: 0 },
);

/** Row mapping, exported for tests. */
export const fileToRow = (file: NewFileRecord): Row => FILE_COLUMNS.toRow(file as FileRecord);

export function rowToFile(row: Row): FileRecord {
  // Columns a recorder did not know read as defaults (see NewFileRecord).
  const file = FILE_COLUMNS.fromRow(row);
  const source: FileSource = file.source === 'generated' ? 'generated' : 'upload';
  const purpose = file.purpose === 'assistants' || file.purpose === 'assistants_output' ? file.purpose : source === 'generated' ? 'assistants_output' : 'assistants';
  return { ...file, purpose, filename: file.filename ?? file.fileId, source };
}
