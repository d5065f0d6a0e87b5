// The state plus what keeps it: every change calls changed(), file bytes go through put/dropContent.
import { Persistence } from './persistence';
import { State } from './state';

export class Store {
  readonly state = new State();
  private readonly persistence: Persistence | null;

  constructor(dataDir: string | undefined, clockOffset: () => number) {
    this.persistence = dataDir ? new Persistence(dataDir, () => ({ state: this.state, clockOffsetMs: clockOffset() })) : null;
  }

  /** Loads the saved state (if any); returns the saved clock offset. */
  load(): number {
    return this.persistence?.load(this.state) ?? 0;
  }

  changed(): void {
    this.persistence?.scheduleSave();
  }

  async putContent(fileId: string, content: Buffer): Promise<void> {
    this.state.fileContents.set(fileId, content);
    await this.persistence?.writeContent(fileId, content);
  }

  async dropContent(fileId: string): Promise<void> {
    this.state.fileContents.delete(fileId);
    await this.persistence?.deleteContent(fileId);
  }

  reset(): void {
    this.state.clear();
    this.persistence?.wipe();
  }

  flush(): Promise<void> {
    return this.persistence?.flush() ?? Promise.resolve();
  }
}
