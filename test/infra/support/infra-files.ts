// The deployment sources (azure.yaml, infra/**) as text, read once, with copy-on-edit for mutation tests.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Files keyed by their repository-relative path (forward slashes). */
export class InfraSources {
  constructor(private readonly files: ReadonlyMap<string, string>) {}

  text(file: string): string {
    const text = this.files.get(file);
    if (text === undefined) throw new Error(`no such file: ${file}`);
    return text;
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  paths(extension?: string): string[] {
    return [...this.files.keys()].filter((f) => !extension || f.endsWith(extension)).sort();
  }

  /** A copy with one file changed (mutation tests show the checks catch what they claim to). */
  withEdit(file: string, edit: (text: string) => string): InfraSources {
    const next = new Map(this.files);
    next.set(file, edit(this.text(file)));
    return new InfraSources(next);
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

export function loadInfraSources(root = REPO_ROOT): InfraSources {
  const files = new Map<string, string>();
  const all = [...listFiles(path.join(root, 'infra')), path.join(root, 'azure.yaml')];
  for (const full of all) files.set(path.relative(root, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
  return new InfraSources(files);
}

/** Resolves `relative` (a module path or loadJsonContent argument) against the file that names it. */
export function resolveFrom(file: string, relative: string): string {
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), relative));
}

/** Removes every line matching `pattern` (e.g. one app setting), failing loudly if none does. */
export function removeLines(text: string, pattern: RegExp): string {
  const lines = text.split('\n');
  const kept = lines.filter((line) => !pattern.test(line));
  if (kept.length === lines.length) throw new Error(`no line matches ${pattern}`);
  return kept.join('\n');
}
