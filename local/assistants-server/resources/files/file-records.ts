// Creating a file record with its bytes: shared by uploads and by run outputs (purpose assistants_output).
import type { Clock } from '../../engine/clock';
import { newId } from '../../store/ids';
import type { Store } from '../../store/store';
import type { FileObject } from '../../store/wire-types';

const TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  csv: 'text/csv',
  txt: 'text/plain',
  md: 'text/markdown',
  json: 'application/json',
  jsonl: 'application/jsonl',
  pdf: 'application/pdf',
  html: 'text/html',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export function contentTypeFor(filename: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  return TYPES[ext] ?? 'application/octet-stream';
}

export async function addFile(
  store: Store,
  clock: Clock,
  input: { filename: string; purpose: FileObject['purpose']; content: Buffer; expiresAfterSeconds?: number },
): Promise<FileObject> {
  const createdAt = clock.nowSeconds();
  const file: FileObject = {
    id: newId.file(),
    object: 'file',
    bytes: input.content.length,
    created_at: createdAt,
    filename: input.filename,
    purpose: input.purpose,
    status: 'processed',
    ...(input.expiresAfterSeconds ? { expires_at: createdAt + input.expiresAfterSeconds } : {}),
  };
  await store.putContent(file.id, input.content);
  store.state.files.set(file.id, { file, contentType: contentTypeFor(input.filename) });
  store.changed();
  return file;
}
