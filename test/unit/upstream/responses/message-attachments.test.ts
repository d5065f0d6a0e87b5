// The thread row's record of message attachments (Responses protocol): one entry per conversation item, written
// again without change, and bounded to its column by dropping the oldest messages' entries.
import { describe, expect, it } from 'vitest';
import type { ThreadToolResources } from '../../../../src/store/ledger';
import { MAX_MESSAGE_ATTACHMENTS_CHARS } from '../../../../src/store/ledger/limits';
import { recordMessageAttachments } from '../../../../src/upstream/responses/attachments';

/** The thread row's resources, updated as the ledger does (null: no change, no write). */
function threadRow() {
  let resources: ThreadToolResources = { codeFileIds: ['file-kept'] };
  let writes = 0;
  return {
    get resources() {
      return resources;
    },
    get writes() {
      return writes;
    },
    async updateResources(_threadId: string, update: (current: ThreadToolResources) => ThreadToolResources | null) {
      const next = update(resources);
      if (next) {
        resources = next;
        writes++;
      }
      return resources;
    },
  };
}

const csv = (id: string) => [{ file_id: id, tools: [{ type: 'code_interpreter' as const }] }];

describe('recordMessageAttachments', () => {
  it('records each item once and keeps the other tool resources', async () => {
    const row = threadRow();
    await recordMessageAttachments(row, 'thread_1', 'msg_a', [...csv('file-1'), { file_id: 'file-2', tools: [{ type: 'file_search' }] }]);
    await recordMessageAttachments(row, 'thread_1', 'msg_a', [...csv('file-1'), { file_id: 'file-2', tools: [{ type: 'file_search' }] }]);
    await recordMessageAttachments(row, 'thread_1', 'msg_b', [{ tools: [{ type: 'code_interpreter' }] }]);
    expect(row.writes).toBe(1);
    expect(row.resources).toEqual({
      codeFileIds: ['file-kept'],
      messageAttachments: { msg_a: [{ file_id: 'file-1', tools: [{ type: 'code_interpreter' }] }, { file_id: 'file-2', tools: [{ type: 'file_search' }] }] },
    });
  });

  it('stays within its column, dropping the oldest messages first', async () => {
    const row = threadRow();
    for (let i = 0; i < 1_000; i++) await recordMessageAttachments(row, 'thread_1', `msg_${String(i).padStart(40, '0')}`, csv(`file-${i}abcdefabcdefabcdef`));
    const recorded = row.resources.messageAttachments!;
    expect(JSON.stringify(recorded).length).toBeLessThanOrEqual(MAX_MESSAGE_ATTACHMENTS_CHARS);
    const kept = Object.keys(recorded);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.at(-1)).toBe(`msg_${String(999).padStart(40, '0')}`);
    expect(kept).not.toContain(`msg_${String(0).padStart(40, '0')}`);
  });
});
