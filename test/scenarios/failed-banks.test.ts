// Training notebook "Failed Banks": the analyst charts the FDIC failed banks list with the code
// interpreter; the chart comes back as an image in the reply and can be downloaded.
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack';
import { CHART_PNG_BASE64, expectPng, imagesOf, scenario, textOf } from './support';

const stack = useStack();
const s = scenario(stack, 'analyst');

describe('scenario: Failed Banks analyst (failed-banks)', () => {
  it('has the FDIC failed banks file uploaded by the sync (on Assistants: attached to the code interpreter)', async () => {
    const headers = { authorization: 'Bearer x', 'OpenAI-Beta': 'assistants=v2' };
    const files = (await (await fetch(`${stack().assistants.url}/v1/files?limit=100`, { headers })).json()) as { data: Array<{ id: string; filename: string }> };
    const uploaded = files.data.filter((f) => /~banking__failed_banks\.csv$/.test(f.filename));
    expect(uploaded).toHaveLength(1);
    // Only the Assistants protocol keeps the assistant (and its tool resources) upstream; on Responses the app holds it.
    if (stack().protocol !== 'assistants') return;
    const assistants = (await (await fetch(`${stack().assistants.url}/v1/assistants?limit=100`, { headers })).json()) as {
      data: Array<{ metadata: Record<string, string>; tool_resources: { code_interpreter?: { file_ids: string[] } } }>;
    };
    const analyst = assistants.data.find((a) => a.metadata.app_key === 'failed-banks');
    expect(analyst?.tool_resources.code_interpreter?.file_ids).toEqual([uploaded[0]!.id]);
  });

  it('charts the failed banks by state and returns a downloadable image', async () => {
    const threadId = await s.newThread('failed-banks');
    await s.script(threadId, [
      {
        code_interpreter: {
          input: [
            'import pandas as pd, matplotlib.pyplot as plt',
            "df = pd.read_csv('/mnt/data/failed_banks.csv', encoding='cp1252')",
            "df.columns = df.columns.str.strip().str.replace('\\xa0', '')",
            "df['State'].value_counts().sort_values(ascending=False).plot(kind='bar', title='Failed banks by state')",
            "plt.xlabel('State'); plt.ylabel('Failed banks'); plt.show()",
          ].join('\n'),
          image_png_base64: CHART_PNG_BASE64,
        },
      },
      { message: 'Here is the chart of failed banks by state, sorted from the most failures to the fewest, based on 568 banks. Georgia (93), Florida (76) and Illinois (69) have the most.' },
    ]);
    const runId = await s.ask(threadId, 'Chart the failed banks by state.');
    const run = await s.finished(threadId, runId);
    expect(run).toMatchObject({ status: 'completed', assistant: 'failed-banks' });

    const reply = await s.reply(threadId, runId);
    expect(textOf(reply)).toContain('failed banks by state');
    const images = imagesOf(reply);
    expect(images).toHaveLength(1);
    expect(images[0]!.url).toBe(`${stack().api}/files/${images[0]!.file_id}/content`);

    const download = await s.downloadImage(images[0]!.url, images[0]!.file_id);
    expectPng(download.bytes);
    if (download.via !== 'api') console.warn(`GET /api/files/{id}/content is not served yet; the image was verified via the Assistants service.`);
  });
});
