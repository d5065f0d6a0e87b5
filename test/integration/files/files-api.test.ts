// Files on the full local stack (Azurite, the local Assistants server, the app in the local Functions host):
// uploads, owner-only reads and downloads, attachments, and files a run generates.
import { describe, expect, it } from 'vitest';
import { apiClient, eventually, useStack } from '../../support/stack';
import { isTerminal } from '../../../src/runs/run-facts';

const MAX_UPLOAD_BYTES = 64 * 1024;
/** A 1×1 PNG. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const CSV = 'Symbol,Average_Cost,QTY\nMSFT,310.5,3\n';

const stack = useStack({ env: { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) } });
const alice = () => apiClient(() => stack().api, 'alice');
const bob = () => apiClient(() => stack().api, 'bob');
/** A JSON response body as the shared client reads it. */
type Body = NonNullable<Awaited<ReturnType<ReturnType<typeof alice>['get']>>['body']>;

async function upload(userId: string, content: string | Uint8Array, filename: string) {
  const form = new FormData();
  form.append('file', new Blob([content]), filename);
  form.append('purpose', 'assistants');
  const response = await fetch(`${stack().api}/files`, { method: 'POST', headers: { 'x-user-id': userId }, body: form });
  return { status: response.status, body: (await response.json()) as Body };
}

async function download(userId: string, url: string) {
  const response = await fetch(url, { headers: { 'x-user-id': userId } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function newThread(client = alice()): Promise<string> {
  const created = await client.post('/threads', {});
  expect(created.status).toBe(201);
  return created.body!.id as string;
}

const script = (threadId: string, turns: unknown[]) => stack().script(threadId, turns);

async function finished(threadId: string, runId: string) {
  return eventually(async () => {
    const run = await alice().get(`/threads/${threadId}/runs/${runId}`);
    return isTerminal(run.body?.status) ? run.body! : undefined;
  });
}

/** Everything about an error response but its request id. */
const errorShape = (response: { status: number; body?: Body }) => ({ status: response.status, error: response.body?.error });

describe('uploads', () => {
  it('stores an upload for its owner and serves it back with the type its extension decides', async () => {
    const created = await upload('alice', CSV, 'holdings.csv');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'file', filename: 'holdings.csv', bytes: CSV.length, purpose: 'assistants', content_type: 'text/csv' });
    expect(created.body.id).toMatch(/^file-/);
    expect(created.body.download_url).toBe(`${stack().api}/files/${created.body.id}/content`);

    const read = await alice().get(`/files/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const content = await download('alice', created.body.download_url);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(content.headers.get('content-disposition')).toContain('holdings.csv');
    expect(content.bytes.toString('utf8')).toBe(CSV);
  });

  it("answers another user's file exactly like a missing one", async () => {
    const created = await upload('alice', CSV, 'private.csv');
    expect(created.status).toBe(201);
    const missing = 'file-doesnotexist123';

    const bobRead = await bob().get(`/files/${created.body.id}`);
    const bobContent = await bob().get(`/files/${created.body.id}/content`);
    expect(errorShape(bobRead)).toEqual({ status: 404, error: { code: 'not_found', message: 'File not found.' } });
    expect(errorShape(bobContent)).toEqual(errorShape(bobRead));
    expect(errorShape(await bob().get(`/files/${missing}`))).toEqual(errorShape(bobRead));
    expect(errorShape(await bob().get(`/files/${missing}/content`))).toEqual(errorShape(bobRead));
  });

  it('refuses a file over MAX_UPLOAD_BYTES with 413', async () => {
    const tooBig = await upload('alice', 'x'.repeat(MAX_UPLOAD_BYTES + 1), 'big.csv');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('payload_too_large');
  });

  it('refuses a type code interpreter and file search do not take', async () => {
    const refused = await upload('alice', 'MZ', 'setup.exe');
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(refused.body.error)).toContain('type not accepted');
  });
});

describe('attachments and generated files', () => {
  it('runs with an attached upload and lets only its owner download the image the run wrote', async () => {
    const file = await upload('alice', CSV, 'portfolio.csv');
    expect(file.status).toBe(201);
    const threadId = await newThread();
    await script(threadId, [{ message: 'Here is your chart', image_png_base64: PNG_BASE64 }]);

    const posted = await alice().post(`/threads/${threadId}/messages`, {
      content: 'Chart my portfolio',
      attachments: [{ file_id: file.body.id, tools: [{ type: 'code_interpreter' }] }],
    });
    expect(posted.status).toBe(202);
    const runId = posted.body!.run.id as string;
    expect((await finished(threadId, runId)).status).toBe('completed');

    const messages = await alice().get(`/threads/${threadId}/messages?order=asc`);
    expect(messages.status).toBe(200);
    const [question, reply] = messages.body!.data;
    expect(question.attachments).toEqual([{ file_id: file.body.id, tools: [{ type: 'code_interpreter' }] }]);
    const image = reply.content.find((part: { type: string }) => part.type === 'image_file')?.image_file;
    expect(image?.url).toBe(`${stack().api}/files/${image?.file_id}/content`);

    const content = await download('alice', image.url);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/png');
    expect(content.bytes.equals(Buffer.from(PNG_BASE64, 'base64'))).toBe(true);

    const details = await alice().get(`/files/${image.file_id}`);
    expect(details.body).toMatchObject({ id: image.file_id, purpose: 'assistants_output', content_type: 'image/png', bytes: content.bytes.length });

    const stolen = await download('bob', image.url);
    expect(stolen.status).toBe(404);
    expect((await bob().get(`/files/${image.file_id}`)).status).toBe(404);
  });

  it('records files a reply links (file_path annotations) as the run owner’s', async () => {
    const report = 'Symbol,Gain\nMSFT,12.5\n';
    const threadId = await newThread();
    await script(threadId, [
      { message: 'Download it: [report](sandbox:/mnt/data/report.csv)', files: [{ filename: 'report.csv', content_base64: Buffer.from(report).toString('base64') }] },
    ]);
    const posted = await alice().post(`/threads/${threadId}/messages`, { content: 'Write me a report' });
    expect(posted.status).toBe(202);
    expect((await finished(threadId, posted.body!.run.id)).status).toBe('completed');

    const messages = await alice().get(`/threads/${threadId}/messages?run_id=${posted.body!.run.id}`);
    const annotation = messages.body!.data[0].content[0].text.annotations[0];
    expect(annotation).toMatchObject({ type: 'file_path', text: 'sandbox:/mnt/data/report.csv' });

    const content = await download('alice', annotation.url);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(content.headers.get('content-disposition')).toContain('report.csv');
    expect(content.bytes.toString('utf8')).toBe(report);
    expect((await download('bob', annotation.url)).status).toBe(404);
  });

  it("refuses to attach another user's file before anything reaches the thread", async () => {
    const file = await upload('alice', CSV, 'alice-only.csv');
    expect(file.status).toBe(201);
    const threadId = await newThread(bob());

    const posted = await bob().post(`/threads/${threadId}/messages`, {
      content: 'Use this',
      attachments: [{ file_id: file.body.id, tools: [{ type: 'code_interpreter' }] }],
    });
    expect(errorShape(posted)).toEqual({ status: 404, error: { code: 'not_found', message: 'File not found.' } });
    const unknown = await bob().post(`/threads/${threadId}/messages`, {
      content: 'Use this',
      attachments: [{ file_id: 'file-doesnotexist123', tools: [{ type: 'file_search' }] }],
    });
    expect(errorShape(unknown)).toEqual(errorShape(posted));

    // Nothing was sent upstream and the thread is not held by a run.
    expect((await bob().get(`/threads/${threadId}/messages`)).body!.data).toEqual([]);
    expect((await bob().get(`/threads/${threadId}/runs`)).body!.data).toEqual([]);
    expect((await bob().post(`/threads/${threadId}/messages`, { content: 'hello' })).status).toBe(202);
  });
});
