import { describe, expect, it } from 'vitest';
import { decideAssistant, decideContainer, decideFile, decideThread, decideVectorStore, DUPLICATE_GRACE_MS, fileOwnership, ORPHAN_GRACE_MS } from '../../../src/sweep/policies';
import { containerName, containerThreadId } from '../../../src/sweep/responses-names';
import { kindsFor, targetsFor } from '../../../src/sweep';
import { storedResponseIds } from '../../../src/sweep/targets/parts';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);

describe('decideThread', () => {
  const ttl = 30 * DAY;
  it('deletes a thread inactive longer than THREAD_TTL', () => {
    expect(decideThread({ lastActivityAt: NOW - ttl - 1 }, NOW, ttl)).toEqual({ action: 'delete', reason: 'inactive' });
  });
  it('keeps a thread active within THREAD_TTL', () => {
    expect(decideThread({ lastActivityAt: NOW - ttl }, NOW, ttl)).toEqual({ action: 'skip', reason: 'fresh' });
  });
  it('keeps an old thread while a run is active, also when the run is unknown to the ledger', () => {
    expect(decideThread({ lastActivityAt: 0, activeRunId: 'run_1', activeRunStatus: 'in_progress' }, NOW, ttl)).toEqual({ action: 'skip', reason: 'active_run' });
    expect(decideThread({ lastActivityAt: 0, activeRunId: 'run_1' }, NOW, ttl)).toEqual({ action: 'skip', reason: 'active_run' });
  });
  it('does not let a run that already ended keep the thread', () => {
    expect(decideThread({ lastActivityAt: 0, activeRunId: 'run_1', activeRunStatus: 'completed' }, NOW, ttl).action).toBe('delete');
  });
  it('finishes threads already marked deleted, even recent ones', () => {
    expect(decideThread({ lastActivityAt: NOW, deletedAt: NOW }, NOW, ttl)).toEqual({ action: 'delete', reason: 'marked_deleted' });
  });
});

describe('decideAssistant', () => {
  const defined = new Set(['default', 'sales']);
  const ours = { deployment: 'dep1', isNewestOfKey: true };
  it('never touches other deployments or untagged assistants', () => {
    expect(decideAssistant({ ...ours, deployment: 'dep2', key: 'old' }, 'dep1', defined, NOW)).toEqual({ action: 'skip', reason: 'foreign' });
    expect(decideAssistant({ isNewestOfKey: false }, 'dep1', defined, NOW)).toEqual({ action: 'skip', reason: 'foreign' });
  });
  it('deletes ours whose key is no longer defined, or that carry no key', () => {
    expect(decideAssistant({ ...ours, key: 'old' }, 'dep1', defined, NOW)).toEqual({ action: 'delete', reason: 'undefined_key' });
    expect(decideAssistant({ ...ours }, 'dep1', defined, NOW)).toEqual({ action: 'delete', reason: 'undefined_key' });
  });
  it('keeps the copy a defined key resolves to', () => {
    expect(decideAssistant({ ...ours, key: 'sales' }, 'dep1', defined, NOW)).toEqual({ action: 'skip', reason: 'defined' });
  });
  it('deletes nothing when no keys are known (an unreadable folder is not "all removed")', () => {
    expect(decideAssistant({ ...ours, key: 'old' }, 'dep1', new Set(), NOW)).toEqual({ action: 'skip', reason: 'no_definitions' });
  });
  it('deletes older copies of a defined key only after the grace period', () => {
    const dup = { deployment: 'dep1', key: 'sales', isNewestOfKey: false };
    expect(decideAssistant({ ...dup, newestCreatedAtMs: NOW - DUPLICATE_GRACE_MS + 1 }, 'dep1', defined, NOW)).toEqual({ action: 'skip', reason: 'fresh' });
    expect(decideAssistant({ ...dup, newestCreatedAtMs: NOW - DUPLICATE_GRACE_MS }, 'dep1', defined, NOW)).toEqual({ action: 'delete', reason: 'duplicate' });
  });
});

describe('decideVectorStore', () => {
  const ttl = 7 * DAY;
  const base = { deployment: 'dep1', status: 'completed', createdAtMs: NOW - 10 * DAY, referenced: false };
  it('skips stores not tagged with this deployment', () => {
    expect(decideVectorStore({ ...base, deployment: undefined, status: 'expired' }, 'dep1', NOW, ttl)).toEqual({ action: 'skip', reason: 'foreign' });
  });
  it('deletes expired stores (by status or expires_at), even when referenced', () => {
    expect(decideVectorStore({ ...base, status: 'expired', createdAtMs: NOW, referenced: true }, 'dep1', NOW, ttl)).toEqual({ action: 'delete', reason: 'expired' });
    expect(decideVectorStore({ ...base, createdAtMs: NOW, expiresAtMs: NOW }, 'dep1', NOW, ttl)).toEqual({ action: 'delete', reason: 'expired' });
  });
  it('measures age from the last activity', () => {
    expect(decideVectorStore({ ...base, lastActiveAtMs: NOW - DAY }, 'dep1', NOW, ttl)).toEqual({ action: 'skip', reason: 'fresh' });
    expect(decideVectorStore(base, 'dep1', NOW, ttl)).toEqual({ action: 'delete', reason: 'stale' });
  });
  it('keeps old stores a kept assistant searches', () => {
    expect(decideVectorStore({ ...base, referenced: true }, 'dep1', NOW, ttl)).toEqual({ action: 'skip', reason: 'referenced' });
  });
});

describe('decideFile', () => {
  const ttl = 7 * DAY;
  const old = NOW - 8 * DAY;
  it('skips files that are not ours before anything else', () => {
    expect(decideFile({ createdAtMs: old, referenced: false }, NOW, ttl)).toEqual({ action: 'skip', reason: 'foreign' });
  });
  it('skips fresh files without asking for references', () => {
    expect(decideFile({ ownership: 'upload', createdAtMs: NOW - DAY }, NOW, ttl)).toEqual({ action: 'skip', reason: 'fresh' });
  });
  it('asks for references only for old files of ours, then decides on them', () => {
    expect(decideFile({ ownership: 'upload', createdAtMs: old }, NOW, ttl)).toEqual({ action: 'check_references' });
    expect(decideFile({ ownership: 'upload', createdAtMs: old, referenced: true }, NOW, ttl)).toEqual({ action: 'skip', reason: 'referenced' });
    expect(decideFile({ ownership: 'generated', createdAtMs: old, referenced: false }, NOW, ttl)).toEqual({ action: 'delete', reason: 'unreferenced' });
  });
});

describe('fileOwnership', () => {
  it('recognises our data files by name and purpose', () => {
    expect(fileOwnership({ filename: 'dep1~0123456789abcdef~sales__orders.csv', purpose: 'assistants' }, 'dep1', undefined)).toBe('data_file');
    expect(fileOwnership({ filename: 'dep2~0123456789abcdef~sales__orders.csv', purpose: 'assistants' }, 'dep1', undefined)).toBeUndefined();
    expect(fileOwnership({ filename: 'dep1~0123456789abcdef~x.csv', purpose: 'fine-tune' }, 'dep1', undefined)).toBeUndefined();
  });
  it('recognises registered uploads and run outputs only with the matching purpose', () => {
    expect(fileOwnership({ filename: 'report.pdf', purpose: 'assistants' }, 'dep1', { source: 'upload' })).toBe('upload');
    expect(fileOwnership({ filename: 'chart.png', purpose: 'assistants_output' }, 'dep1', { source: 'generated' })).toBe('generated');
    expect(fileOwnership({ filename: 'report.pdf', purpose: 'batch' }, 'dep1', { source: 'upload' })).toBeUndefined();
    expect(fileOwnership({ filename: 'x.png', purpose: 'assistants' }, 'dep1', { source: 'generated' })).toBeUndefined();
  });
  it('treats an unregistered, unnamed file as foreign', () => {
    expect(fileOwnership({ filename: 'report.pdf', purpose: 'assistants' }, 'dep1', undefined)).toBeUndefined();
  });
});

describe('Responses: a thread resource outlives its thread only by the orphan grace', () => {
  const ttl = 7 * DAY;
  const store = { deployment: 'dep1', status: 'completed', createdAtMs: NOW - 2 * ORPHAN_GRACE_MS, referenced: false };
  it('deletes a vector store whose thread is gone, well before VECTOR_STORE_TTL', () => {
    expect(decideVectorStore({ ...store, thread: 'gone' }, 'dep1', NOW, ttl)).toEqual({ action: 'delete', reason: 'orphaned' });
  });
  it('keeps a just-made store whose thread the ledger does not know yet', () => {
    expect(decideVectorStore({ ...store, createdAtMs: NOW - ORPHAN_GRACE_MS, thread: 'gone' }, 'dep1', NOW, ttl)).toEqual({ action: 'skip', reason: 'fresh' });
  });
  it('keeps an idle store its kept thread is bound to, and never touches another deployment', () => {
    expect(decideVectorStore({ ...store, createdAtMs: NOW - 2 * ttl, thread: 'kept', referenced: true }, 'dep1', NOW, ttl)).toEqual({ action: 'skip', reason: 'referenced' });
    expect(decideVectorStore({ ...store, deployment: 'other', thread: 'gone' }, 'dep1', NOW, ttl)).toEqual({ action: 'skip', reason: 'foreign' });
  });
  it('deletes a container whose thread is gone once past the grace; keeps a kept thread’s, and foreign ones', () => {
    const old = { threadId: 'thread_abc', createdAtMs: NOW - 2 * ORPHAN_GRACE_MS };
    expect(decideContainer({ ...old, thread: 'gone' }, NOW)).toEqual({ action: 'delete', reason: 'orphaned' });
    expect(decideContainer({ ...old, thread: 'gone', lastActiveAtMs: NOW - 1000 }, NOW)).toEqual({ action: 'skip', reason: 'fresh' });
    expect(decideContainer({ ...old, thread: 'kept' }, NOW)).toEqual({ action: 'skip', reason: 'referenced' });
    expect(decideContainer({ thread: 'gone', createdAtMs: 0 }, NOW)).toEqual({ action: 'skip', reason: 'foreign' });
  });
  it('reads ours from container names only', () => {
    expect(containerThreadId(containerName('dep1', 'thread_abc123'), 'dep1')).toBe('thread_abc123');
    expect(containerThreadId(containerName('dep10', 'thread_abc123'), 'dep1')).toBeUndefined();
    expect(containerThreadId('dep1~scratch', 'dep1')).toBeUndefined();
  });
});

describe('targets per protocol', () => {
  it('sweeps no assistants on Responses, and no containers or stored responses on Assistants', () => {
    expect(kindsFor('responses')).toEqual(['threads', 'responses', 'containers', 'vector_stores', 'files', 'ledger']);
    expect(kindsFor('assistants')).toEqual(['threads', 'assistants', 'vector_stores', 'files', 'ledger']);
  });
  it('runs threads first and the ledger last on both', () => {
    for (const protocol of ['responses', 'assistants'] as const) {
      const targets = targetsFor(protocol);
      expect(targets[0]?.kinds[0]).toBe('threads');
      expect(targets.at(-1)?.kinds[0]).toBe('ledger');
    }
  });
});

describe('storedResponseIds', () => {
  it("is a run's chain, with the newest even when the list missed it, and never an Assistants run id", () => {
    expect(storedResponseIds({ upstreamRunIds: ['resp_1', 'resp_2'], upstreamRunId: 'resp_2' })).toEqual(['resp_1', 'resp_2']);
    expect(storedResponseIds({ upstreamRunIds: ['resp_1'], upstreamRunId: 'resp_2' })).toEqual(['resp_1', 'resp_2']);
    expect(storedResponseIds({ upstreamRunId: 'run_abc' })).toEqual([]);
  });
});
