// The file registry on Azurite: what the sweep reads to know which upstream files are ours.
import { describe, expect, it } from 'vitest';
import { createFileRegistry } from '../../../src/sweep';
import { newId, useLedger } from '../store/use-ledger';

describe('file registry', () => {
  const fixture = useLedger();
  const registry = () => createFileRegistry(fixture.config, fixture.clients);

  it('records a file once, gathers the threads that use it, and forgets it entirely', async () => {
    const files = registry();
    const fileId = newId('file');
    const [t1, t2] = [newId('thread'), newId('thread')];
    await files.recordFile({ fileId, source: 'run_output', ownerId: 'alice', threadId: t1, createdAt: 1_000 });
    // Recording again (another worker, or the sweep harvesting) keeps the first record and adds the thread.
    await files.recordFile({ fileId, source: 'upload', ownerId: 'mallory', threadId: t2, createdAt: 2_000 });
    await files.recordFileUse(fileId, t1);

    const listed = (await files.listFiles()).find((f) => f.fileId === fileId);
    expect(listed).toEqual({ fileId, source: 'run_output', ownerId: 'alice', createdAt: 1_000, threadIds: [t1, t2].sort() });

    await files.deleteFileRecord(fileId);
    expect((await files.listFiles()).some((f) => f.fileId === fileId)).toBe(false);
  });

  it('ignores thread rows of a file it never recorded (not known to be ours)', async () => {
    const files = registry();
    const fileId = newId('file');
    await files.recordFileUse(fileId, newId('thread'));
    expect((await files.listFiles()).some((f) => f.fileId === fileId)).toBe(false);
  });
});
