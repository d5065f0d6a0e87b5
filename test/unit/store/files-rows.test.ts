// Files table rows: records round-trip, and rows recorders wrote with fewer columns (the sweep's harvest) still read safely.
import { describe, expect, it } from 'vitest';
import { fileToRow, rowToFile, type FileRecord } from '../../../src/store/ledger/files';

const t0 = Date.parse('2025-01-01T00:00:00.000Z');
const generated: FileRecord = {
  fileId: 'file-abc',
  ownerId: 'alice',
  purpose: 'assistants_output',
  filename: 'chart.png',
  bytes: 1234,
  contentType: 'image/png',
  createdAt: t0,
  threadId: 'thread_1',
  runId: 'run_1',
  source: 'generated',
};

describe('file rows', () => {
  it('round-trip, with times as dates so the sweeper can filter on them', () => {
    const row = fileToRow(generated);
    expect(row.createdAt).toEqual(new Date(t0));
    expect(rowToFile(row)).toEqual(generated);
  });

  it('leave optional columns out rather than storing empty values', () => {
    const row = fileToRow({ ...generated, threadId: undefined, runId: undefined, source: 'upload', purpose: 'assistants' });
    expect(rowToFile(row)).toEqual({ ...generated, threadId: undefined, runId: undefined, source: 'upload', purpose: 'assistants' });
  });

  it('read a bare row (id, owner, generated) as a generated file with safe defaults', () => {
    expect(rowToFile({ fileId: 'file-x', ownerId: 'bob', source: 'generated', createdAt: new Date(t0) })).toEqual({
      fileId: 'file-x',
      ownerId: 'bob',
      purpose: 'assistants_output',
      filename: 'file-x',
      bytes: 0,
      contentType: 'application/octet-stream',
      createdAt: t0,
      threadId: undefined,
      runId: undefined,
      source: 'generated',
    });
  });

  it('store no name, size or type for a record without them, so a fuller record can fill them in', () => {
    const row = fileToRow({ fileId: 'file-x', ownerId: 'bob', purpose: 'assistants_output', source: 'generated', createdAt: t0 });
    expect(Object.entries(row).filter(([, value]) => value !== undefined).map(([name]) => name).sort()).toEqual(['createdAt', 'fileId', 'ownerId', 'purpose', 'source']);
  });

  it('read a row without an owner as owned by nobody', () => {
    expect(rowToFile({ fileId: 'file-x', source: 'upload' }).ownerId).toBe('');
  });
});
