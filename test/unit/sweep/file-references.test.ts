import type { Message } from 'openai/resources/beta/threads/messages';
import { describe, expect, it } from 'vitest';
import { codeInterpreterFileIds, fileSearchVectorStoreIds, messageFileIds, runOutputFileIds } from '../../../src/sweep/file-references';

const text = (annotations: unknown[]) => ({ type: 'text', text: { value: 'x', annotations } });
const message = (role: 'user' | 'assistant', content: unknown[], attachments: unknown[] | null = null) =>
  ({ role, content, attachments }) as unknown as Message;

describe('file references', () => {
  const reply = message('assistant', [
    { type: 'image_file', image_file: { file_id: 'file-img' } },
    text([
      { type: 'file_path', file_path: { file_id: 'file-csv' } },
      { type: 'file_citation', file_citation: { file_id: 'file-cited' } },
    ]),
  ]);

  it('finds every file a message points at', () => {
    const question = message('user', [text([])], [{ file_id: 'file-up', tools: [{ type: 'code_interpreter' }] }]);
    expect(messageFileIds(question)).toEqual(['file-up']);
    expect(messageFileIds(reply)).toEqual(['file-img', 'file-csv', 'file-cited']);
  });

  it('takes run outputs from assistant messages only, without citations of user files', () => {
    expect(runOutputFileIds(reply)).toEqual(['file-img', 'file-csv']);
    expect(runOutputFileIds(message('user', [{ type: 'image_file', image_file: { file_id: 'file-user' } }]))).toEqual([]);
  });

  it('reads tool resources, absent or not', () => {
    expect(codeInterpreterFileIds({ code_interpreter: { file_ids: ['a', 'b'] } })).toEqual(['a', 'b']);
    expect(codeInterpreterFileIds(null)).toEqual([]);
    expect(fileSearchVectorStoreIds({ file_search: { vector_store_ids: ['vs_1'] } })).toEqual(['vs_1']);
    expect(fileSearchVectorStoreIds(undefined)).toEqual([]);
  });
});
