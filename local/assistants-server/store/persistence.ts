// Optional persistence: a JSON snapshot of the state (written debounced after changes, atomically)
// and each file's bytes as its own file under <dataDir>/files/.
import { mkdirSync, readFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { writeFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { State, emptyScripts, type Scripts, type StoredBatch, type StoredContainerFile, type StoredFile, type StoredResponse, type StoredRun } from './state';
import type { Assistant, Container, Conversation, ConversationItem, Message, RunStep, Thread, VectorStore, VectorStoreFile } from './wire-types';

interface Snapshot {
  version: 1;
  clockOffsetMs: number;
  assistants: Assistant[];
  threads: Thread[];
  messages: [string, Message[]][];
  runs: [string, StoredRun[]][];
  steps: [string, RunStep[]][];
  files: StoredFile[];
  vectorStores: VectorStore[];
  vectorStoreFiles: [string, VectorStoreFile[]][];
  fileBatches: StoredBatch[];
  scripts: Scripts;
  /** Responses-protocol state (absent in snapshots written before it existed). */
  responses?: StoredResponse[];
  conversations?: Conversation[];
  conversationItems?: [string, ConversationItem[]][];
  containers?: Container[];
  containerFiles?: [string, StoredContainerFile[]][];
}

const DEBOUNCE_MS = 100;

export class Persistence {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly snapshotPath: string;
  private readonly filesDir: string;

  constructor(
    dataDir: string,
    private readonly snapshot: () => { state: State; clockOffsetMs: number },
  ) {
    this.snapshotPath = path.join(dataDir, 'state.json');
    this.filesDir = path.join(dataDir, 'files');
    mkdirSync(this.filesDir, { recursive: true });
  }

  /** Loads the last snapshot into `state`; returns the saved clock offset. */
  load(state: State): number {
    if (!existsSync(this.snapshotPath)) return 0;
    const snap = JSON.parse(readFileSync(this.snapshotPath, 'utf8')) as Snapshot;
    const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((i) => [i.id, i]));
    state.assistants = byId(snap.assistants);
    state.threads = byId(snap.threads);
    state.messages = new Map(snap.messages.map(([k, v]) => [k, byId(v)]));
    state.runs = new Map(snap.runs.map(([k, v]) => [k, new Map(v.map((r) => [r.run.id, r]))]));
    state.steps = new Map(snap.steps.map(([k, v]) => [k, byId(v)]));
    state.files = new Map(snap.files.map((f) => [f.file.id, f]));
    state.vectorStores = byId(snap.vectorStores);
    state.vectorStoreFiles = new Map(snap.vectorStoreFiles.map(([k, v]) => [k, byId(v)]));
    state.fileBatches = new Map(snap.fileBatches.map((b) => [b.batch.id, b]));
    state.scripts = { ...emptyScripts(), ...snap.scripts };
    state.responses = new Map((snap.responses ?? []).map((r) => [r.response.id, r]));
    state.conversations = byId(snap.conversations ?? []);
    state.conversationItems = new Map((snap.conversationItems ?? []).map(([k, v]) => [k, new Map(v.map((i) => [i.id!, i]))]));
    state.containers = byId(snap.containers ?? []);
    state.containerFiles = new Map((snap.containerFiles ?? []).map(([k, v]) => [k, new Map(v.map((f) => [f.file.id, f]))]));
    const containerFileIds = [...state.containerFiles.values()].flatMap((files) => [...files.keys()]);
    for (const id of [...state.files.keys(), ...containerFileIds]) {
      const file = path.join(this.filesDir, id);
      if (existsSync(file)) state.fileContents.set(id, readFileSync(file));
    }
    return snap.clockOffsetMs;
  }

  scheduleSave(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.writing = this.writing.then(() => this.save()).catch((error: unknown) => console.error('assistants-server: snapshot failed', error));
    }, DEBOUNCE_MS);
  }

  async writeContent(fileId: string, content: Buffer): Promise<void> {
    const target = path.join(this.filesDir, fileId);
    await writeFile(`${target}.tmp`, content);
    await rename(`${target}.tmp`, target);
  }

  async deleteContent(fileId: string): Promise<void> {
    await rm(path.join(this.filesDir, fileId), { force: true });
  }

  /** Writes any pending snapshot now (close). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.writing = this.writing.then(() => this.save());
    }
    await this.writing;
  }

  /** Forgets everything on disk (admin reset). */
  wipe(): void {
    for (const name of readdirSync(this.filesDir)) rmSync(path.join(this.filesDir, name), { force: true });
    rmSync(this.snapshotPath, { force: true });
  }

  private async save(): Promise<void> {
    const { state, clockOffsetMs } = this.snapshot();
    const entries = <V>(map: Map<string, Map<string, V>>) => [...map].map(([k, v]) => [k, [...v.values()]] as [string, V[]]);
    const snap: Snapshot = {
      version: 1,
      clockOffsetMs,
      assistants: [...state.assistants.values()],
      threads: [...state.threads.values()],
      messages: entries(state.messages),
      runs: entries(state.runs),
      steps: entries(state.steps),
      files: [...state.files.values()],
      vectorStores: [...state.vectorStores.values()],
      vectorStoreFiles: entries(state.vectorStoreFiles),
      fileBatches: [...state.fileBatches.values()],
      scripts: state.scripts,
      responses: [...state.responses.values()],
      conversations: [...state.conversations.values()],
      conversationItems: [...state.conversationItems].map(([k, v]) => [k, [...v.values()]]),
      containers: [...state.containers.values()],
      containerFiles: entries(state.containerFiles),
    };
    const tmp = `${this.snapshotPath}.tmp`;
    await writeFile(tmp, JSON.stringify(snap));
    await rename(tmp, this.snapshotPath);
  }
}
