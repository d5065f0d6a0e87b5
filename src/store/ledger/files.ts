// The Files table: which upstream files belong to whom (upstream files carry no owner or metadata).
//   file row   PK `file|<fileId>`, RK `file` → point read by id (ownership check = compare ownerId)
// A file is addressed by its id alone, so "another user's file answers 404" costs one point read. Other rows
// about the same file (e.g. which threads use it) may share its partition; they are deleted with it.
// Uploads are recorded by POST /files, run outputs (images, file_path links) by the run worker.
import { odata } from '@azure/data-tables';
import { AppError } from '../../errors';
import { readNumber, readString, readTime, toDate, type Row } from './columns';
import { tableKey } from './keys';
import { deletePartition, insertIfAbsent, mutateEntity, NO_CHANGE, queryEntities, readEntity, stripSystem, type LazyTable } from './table-ops';

export type FilePurpose = 'assistants' | 'assistants_output';
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
}

export interface FileStore {
  /**
   * Records a file as its owner's. Idempotent: recording it again returns the stored record, with columns
   * it lacked filled in. The first owner stays the owner.
   */
  recordFile(file: FileRecord): Promise<FileRecord>;
  /** The file if it is recorded and belongs to `ownerId`; otherwise null (answer 404 either way). */
  getOwnedFile(fileId: string, ownerId: string): Promise<FileRecord | null>;
  /** Files recorded before `cutoff`, for the sweeper. Scans the table, so it belongs in the timer job. */
  listFilesCreatedBefore(cutoff: number, options?: { limit?: number }): Promise<FileRecord[]>;
  /** Forgets the file (its row and any rows sharing its partition); false when nothing was recorded. */
  deleteFileRow(fileId: string): Promise<boolean>;
}

const FILE_ROW = 'file';
const filePk = (fileId: string) => `file|${tableKey(fileId)}`;

export function createFileStore(table: LazyTable): FileStore {
  const readFile = async (fileId: string) => {
    const entity = await readEntity(table, filePk(fileId), FILE_ROW);
    return entity ? rowToFile(stripSystem(entity)) : null;
  };

  return {
    async recordFile(file) {
      for (let attempt = 1; attempt <= 3; attempt++) {
        if (await insertIfAbsent(table, filePk(file.fileId), FILE_ROW, fileToRow(file))) return file;
        // Already there (a retry, or a row another recorder wrote): complete it rather than overwrite it.
        const result = await mutateEntity(table, filePk(file.fileId), FILE_ROW, (row) => {
          const missing = Object.entries(fileToRow(file)).filter(([name, value]) => value !== undefined && row[name] === undefined);
          return missing.length ? { ...row, ...Object.fromEntries(missing) } : NO_CHANGE;
        });
        if (result) return rowToFile(result.row);
        // Deleted in between: insert afresh.
      }
      throw new AppError('conflict', `File ${file.fileId} is being recorded concurrently; try again.`, 409);
    },

    async getOwnedFile(fileId, ownerId) {
      const file = await readFile(fileId);
      // A row without an owner (written by another recorder) belongs to nobody.
      return file && file.ownerId !== '' && file.ownerId === ownerId ? file : null;
    },

    async listFilesCreatedBefore(cutoff, options = {}) {
      // '}' follows '|' in key order, so this range holds exactly the file partitions.
      const filter = odata`PartitionKey gt ${'file|'} and PartitionKey lt ${'file}'} and RowKey eq ${FILE_ROW} and createdAt lt ${new Date(cutoff)}`;
      return (await queryEntities(table, filter, { limit: options.limit })).map((entity) => rowToFile(stripSystem(entity)));
    },

    deleteFileRow: async (fileId) => (await deletePartition(table, filePk(fileId))) > 0,
  };
}

/** Row mapping, exported for tests. Times are stored as Edm.DateTime so filters can compare them. */
export function fileToRow(file: FileRecord): Row {
  return {
    fileId: file.fileId,
    ownerId: file.ownerId,
    purpose: file.purpose,
    filename: file.filename,
    bytes: file.bytes,
    contentType: file.contentType,
    createdAt: toDate(file.createdAt),
    threadId: file.threadId,
    runId: file.runId,
    source: file.source,
  };
}

export function rowToFile(row: Row): FileRecord {
  // Rows written by other recorders may lack columns or name run outputs `run_output`.
  const source: FileSource = row.source === 'generated' || row.source === 'run_output' ? 'generated' : 'upload';
  const purpose = readString(row, 'purpose');
  return {
    fileId: String(row.fileId),
    ownerId: readString(row, 'ownerId') ?? '',
    purpose: purpose === 'assistants' || purpose === 'assistants_output' ? purpose : source === 'generated' ? 'assistants_output' : 'assistants',
    filename: readString(row, 'filename') ?? String(row.fileId),
    bytes: readNumber(row, 'bytes') ?? 0,
    contentType: readString(row, 'contentType') ?? 'application/octet-stream',
    createdAt: readTime(row, 'createdAt') ?? 0,
    threadId: readString(row, 'threadId'),
    runId: readString(row, 'runId'),
    source,
  };
}
