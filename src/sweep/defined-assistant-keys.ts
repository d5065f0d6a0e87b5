// The assistant keys this deployment defines: every assistants/*.json, by its `key` field and its file
// name. Deliberately lenient: a definition that fails validation is still defined (its assistant must not
// be deleted because of a typo), so this reads keys (and data file paths) without the full loader. A folder that cannot be read
// throws rather than answering "no keys".
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export async function readDefinedAssistantKeys(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  const keys = new Set<string>();
  for (const name of names) {
    keys.add(path.basename(name, '.json'));
    try {
      const key = (JSON.parse(await readFile(path.join(dir, name), 'utf8')) as { key?: unknown }).key;
      if (typeof key === 'string' && key) keys.add(key);
    } catch {
      // Unparseable: the file name alone names it.
    }
  }
  return [...keys].sort();
}

/**
 * The data files (paths under data/) that assistants/*.json name in `files`, read as leniently as the keys:
 * a definition that fails validation still names its files.
 */
export async function readDefinedDataFilePaths(dir: string): Promise<string[]> {
  const paths = new Set<string>();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json'))) {
    try {
      const files = (JSON.parse(await readFile(path.join(dir, name), 'utf8')) as { files?: unknown }).files;
      if (Array.isArray(files)) for (const file of files) if (typeof file === 'string' && file) paths.add(file);
    } catch {
      // Unparseable: it names no files we could read.
    }
  }
  return [...paths].sort();
}
