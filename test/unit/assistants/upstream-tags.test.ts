import { describe, expect, it } from 'vitest';
import type { Assistant } from 'openai/resources/beta/assistants';
import { groupOurAssistants, parseUploadedFileName, uploadedFileName } from '../../../src/assistants';

const assistant = (id: string, created_at: number, metadata: Record<string, string> | null): Assistant => ({
  id,
  created_at,
  metadata,
  object: 'assistant',
  model: 'gpt-4o',
  name: id,
  description: null,
  instructions: null,
  tools: [],
});

describe('groupOurAssistants', () => {
  it("keeps only this deployment's assistants, the newest per key, and reports older copies as duplicates", () => {
    const grouped = groupOurAssistants(
      [
        assistant('asst_old', 100, { app_deployment: 'prod', app_key: 'sales' }),
        assistant('asst_new', 200, { app_deployment: 'prod', app_key: 'sales' }),
        assistant('asst_mid', 150, { app_deployment: 'prod', app_key: 'sales' }),
        assistant('asst_other_dep', 300, { app_deployment: 'staging', app_key: 'sales' }),
        assistant('asst_foreign', 300, null),
        assistant('asst_nokey', 300, { app_deployment: 'prod' }),
      ],
      'prod',
    );
    expect(grouped.byKey.get('sales')?.id).toBe('asst_new');
    expect(grouped.duplicates.map((d) => d.id).sort()).toEqual(['asst_mid', 'asst_old']);
    expect(grouped.untagged.map((a) => a.id)).toEqual(['asst_nokey']);
    expect([...grouped.byKey.keys()]).toEqual(['sales']);
  });

  it('breaks created_at ties by id so every reader keeps the same copy', () => {
    const a = assistant('asst_a', 100, { app_deployment: 'd', app_key: 'k' });
    const b = assistant('asst_b', 100, { app_deployment: 'd', app_key: 'k' });
    expect(groupOurAssistants([a, b], 'd').byKey.get('k')?.id).toBe('asst_b');
    expect(groupOurAssistants([b, a], 'd').byKey.get('k')?.id).toBe('asst_b');
  });
});

describe('uploaded file names', () => {
  const sha = '1f04c9bd14ee3415bd979bd82eb7567f83c630632a2b1361a8a0592193e4edd8';

  it('carry the deployment, a content-hash prefix and the flattened data path, keeping the extension', () => {
    const name = uploadedFileName('prod.eu-1', { path: 'banking/failed_banks.csv', sha256: sha });
    expect(name).toBe('prod.eu-1~1f04c9bd14ee3415~banking__failed_banks.csv');
    expect(parseUploadedFileName(name)).toEqual({ deploymentId: 'prod.eu-1', hashPrefix: '1f04c9bd14ee3415', name: 'banking__failed_banks.csv' });
  });

  it('do not match files uploaded by anyone else', () => {
    expect(parseUploadedFileName('failed_banks.csv')).toBeUndefined();
    expect(parseUploadedFileName('1f04c9bd14ee3415-failed_banks.csv')).toBeUndefined();
  });
});
