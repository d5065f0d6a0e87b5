// Data files attached to assistants: uploaded once per content and reused while unchanged.
//
// Upstream files carry no metadata, so the file name is the tag:
//   <deploymentId>~<first 16 hex of sha256>~<path under data/ with "/" as "__">
// e.g. `local~1f04c9bd14ee3415~banking__failed_banks.csv`. The name keeps the original
// extension (the service picks the file type from it). A changed file gets a new name, hence a
// new upload; the old upload stays until cleanup.
//
// How cleanup knows our files: a file is this deployment's when parseUploadedFileName() returns
// our deploymentId; it is in use while one of our assistants (metadata app_deployment) lists it in
// tool_resources.code_interpreter.file_ids — the upstream assistants are the manifest (the sync's
// report `map` carries the same ids). Ours and unreferenced → safe to delete.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type OpenAI from 'openai';
import { toFile } from 'openai';
import type { FileObject } from 'openai/resources/files';
import type { Logger } from '../logging';
import { sha256 } from './content-hash';

const SEPARATOR = '~';
const HASH_CHARS = 16;

export interface LocalDataFile {
  /** Path under the data folder, with forward slashes (as written in the definition). */
  path: string;
  sha256: string;
  content: Buffer;
}

export function uploadedFileName(deploymentId: string, file: Pick<LocalDataFile, 'path' | 'sha256'>): string {
  // Some services drop directory parts of multipart file names: flatten instead.
  return [deploymentId, file.sha256.slice(0, HASH_CHARS), file.path.split('/').join('__')].join(SEPARATOR);
}

/** The parts of a name written by uploadedFileName(), or undefined for any other file (never ours). */
export function parseUploadedFileName(filename: string): { deploymentId: string; hashPrefix: string; name: string } | undefined {
  const match = /^([A-Za-z0-9._-]{1,64})~([0-9a-f]{16})~(.+)$/.exec(filename);
  return match ? { deploymentId: match[1] as string, hashPrefix: match[2] as string, name: match[3] as string } : undefined;
}

export async function readDataFiles(dataDir: string, relPaths: string[]): Promise<LocalDataFile[]> {
  const unique = [...new Set(relPaths.map((p) => path.posix.normalize(p)))].sort();
  return Promise.all(
    unique.map(async (rel) => {
      const content = await readFile(path.join(dataDir, rel));
      return { path: rel, sha256: sha256(content), content };
    }),
  );
}

/**
 * The names the data files of these definitions are uploaded under, from their current content: on the Responses
 * protocol the adapter finds them by these names, so these are the data files in use (the sweep keeps them).
 */
export async function uploadedDataFileNames(deploymentId: string, dataDir: string, relPaths: string[]): Promise<string[]> {
  return (await readDataFiles(dataDir, relPaths)).map((file) => uploadedFileName(deploymentId, file));
}

export interface UploadResult {
  /** Data path → upstream file id. */
  ids: Map<string, string>;
  uploaded: string[];
  reused: string[];
}

/** Makes sure each file exists upstream under its content name; uploads only the missing ones. */
export async function ensureFilesUploaded(client: OpenAI, deploymentId: string, files: LocalDataFile[], logger: Logger): Promise<UploadResult> {
  const result: UploadResult = { ids: new Map(), uploaded: [], reused: [] };
  if (files.length === 0) return result;
  const existing = await listFilesByName(client);
  for (const file of files) {
    const name = uploadedFileName(deploymentId, file);
    const match = (existing.get(name) ?? []).find((f) => f.status !== 'error' && f.bytes === file.content.length);
    if (match) {
      result.ids.set(file.path, match.id);
      result.reused.push(file.path);
      continue;
    }
    const created = await client.files.create({ file: await toFile(file.content, name), purpose: 'assistants' });
    logger.info('uploaded assistant data file', { path: file.path, fileId: created.id, bytes: file.content.length });
    result.ids.set(file.path, created.id);
    result.uploaded.push(file.path);
  }
  return result;
}

/** All `assistants` files (every page), newest first under each name. */
async function listFilesByName(client: OpenAI): Promise<Map<string, FileObject[]>> {
  const byName = new Map<string, FileObject[]>();
  for await (const file of client.files.list({ purpose: 'assistants' })) {
    if (file.purpose !== 'assistants') continue;
    byName.set(file.filename, [...(byName.get(file.filename) ?? []), file]);
  }
  for (const list of byName.values()) list.sort((a, b) => b.created_at - a.created_at);
  return byName;
}
