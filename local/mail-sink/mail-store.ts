// Emails the sink received: kept in memory, and also as one JSON file each when a data folder is given
// (so `npm start` keeps them across restarts). Duplicates are kept on purpose: tests look for them.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface StoredEmail {
  id: string;
  to: string;
  subject: string;
  content: string;
  /** The Idempotency-Key header as received; null when the caller sent none. */
  idempotencyKey: string | null;
  /** The Repeatability-First-Sent header as received; null when absent. */
  firstSent?: string | null;
  /** ISO 8601. */
  receivedAt: string;
}

export interface MailStore {
  add(email: Omit<StoredEmail, 'id' | 'receivedAt'>): Promise<StoredEmail>;
  list(): StoredEmail[];
  /** Removes every email; returns how many there were. */
  clear(): Promise<number>;
}

// <epoch ms>-<sequence>-<id>.json: names sort in arrival order, even within one millisecond.
const FILE = /^\d{13}-\d{6}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$/;

export async function openMailStore(dataDir?: string): Promise<MailStore> {
  const loaded = dataDir ? await loadDir(dataDir) : [];
  const emails = loaded.map((l) => l.email);
  const files = new Map(loaded.map((l) => [l.email.id, l.file]));
  let sequence = 0;
  return {
    async add(fields) {
      const received = new Date();
      const email: StoredEmail = { id: randomUUID(), ...fields, receivedAt: received.toISOString() };
      if (dataDir) {
        const file = path.join(dataDir, `${received.getTime()}-${String(sequence++ % 1_000_000).padStart(6, '0')}-${email.id}.json`);
        // Write then rename: a reader never sees half a file.
        await writeFile(`${file}.tmp`, JSON.stringify(email, null, 2));
        await rename(`${file}.tmp`, file);
        files.set(email.id, file);
      }
      emails.push(email);
      return email;
    },
    list: () => emails.map((e) => ({ ...e })),
    async clear() {
      const removed = emails.splice(0, emails.length);
      await Promise.all(removed.map((e) => files.get(e.id)).filter((f) => f !== undefined).map((f) => rm(f, { force: true })));
      files.clear();
      return removed.length;
    },
  };
}

async function loadDir(dataDir: string): Promise<{ email: StoredEmail; file: string }[]> {
  await mkdir(dataDir, { recursive: true });
  const names = (await readdir(dataDir)).filter((name) => FILE.test(name)).sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dataDir, name);
      return { email: JSON.parse(await readFile(file, 'utf8')) as StoredEmail, file };
    }),
  );
}
