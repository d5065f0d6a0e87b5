// The assistant keys this deployment defines: every assistants/*.json, by its `key` field and its file
// name. Deliberately lenient: a definition that fails validation is still defined (its assistant must not
// be deleted because of a typo), so this reads keys without the full loader. A folder that cannot be read
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
