// The API client: every call carries the caller's identity (x-user-id in dev mode, the App Service
// Authentication cookie otherwise) and every failure becomes an ApiError with the API's own words.
import type { Assistant, FileObject, Message, Page, PageConfig, Run, Thread } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** "code: message" as the API said it, or a sentence about the network. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code}${error.status ? `, HTTP ${error.status}` : ''})`;
  if (error instanceof TypeError) return `The API could not be reached: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export interface Identity {
  /** The user id sent as x-user-id (dev mode); undefined with App Service Authentication. */
  devUserId?: string;
}

export class Api {
  constructor(
    private readonly config: PageConfig,
    readonly identity: Identity,
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { ...extra };
    if (this.identity.devUserId) headers['x-user-id'] = this.identity.devUserId;
    return headers;
  }

  /** An API path (`/threads`) or an absolute URL the API gave us (download URLs) → a URL on this page's API base. */
  url(pathOrUrl: string): string {
    if (/^https?:/i.test(pathOrUrl)) {
      const parsed = new URL(pathOrUrl);
      const apiPath = parsed.pathname.replace(/^\/api(?=\/)/, '');
      return `${this.config.apiBase}${apiPath}${parsed.search}`;
    }
    return `${this.config.apiBase}${pathOrUrl}`;
  }

  async fetch(pathOrUrl: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    const response = await fetch(this.url(pathOrUrl), { ...init, credentials: 'same-origin', headers: this.headers(init.headers) });
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  private async json<T>(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<T> {
    const response = await this.fetch(path, init);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  private send<T>(method: string, path: string, body: unknown): Promise<T> {
    return this.json<T>(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  assistants() {
    return this.json<{ data: Assistant[]; auto: boolean }>('/assistants');
  }
  threads() {
    return this.json<Page<Thread>>('/threads?limit=100');
  }
  thread(threadId: string) {
    return this.json<Thread>(`/threads/${threadId}`);
  }
  createThread(assistant: string, metadata: Record<string, string>) {
    return this.send<Thread>('POST', '/threads', { assistant, metadata });
  }
  messages(threadId: string) {
    return this.json<Page<Message>>(`/threads/${threadId}/messages?order=asc&limit=100`);
  }
  postMessage(threadId: string, body: { content: string; assistant?: string; attachments?: Array<{ file_id: string; tools: Array<{ type: string }> }> }) {
    return this.send<{ run: { id: string; status: string }; message_id: string }>('POST', `/threads/${threadId}/messages`, body);
  }
  runs(threadId: string) {
    return this.json<Page<Run>>(`/threads/${threadId}/runs?limit=100`);
  }
  run(threadId: string, runId: string) {
    return this.json<Run>(`/threads/${threadId}/runs/${runId}`);
  }
  cancel(threadId: string, runId: string) {
    return this.send<Run>('POST', `/threads/${threadId}/runs/${runId}/cancel`, {});
  }
  submitToolOutputs(threadId: string, runId: string, outputs: Array<{ tool_call_id: string; output: string }>) {
    return this.send<Run>('POST', `/threads/${threadId}/runs/${runId}/tool_outputs`, { tool_outputs: outputs });
  }
  submitToolApprovals(threadId: string, runId: string, approvals: Array<{ tool_call_id: string; approve: boolean; reason?: string }>) {
    return this.send<Run>('POST', `/threads/${threadId}/runs/${runId}/tool_approvals`, { approvals });
  }
  upload(file: File) {
    const form = new FormData();
    form.append('purpose', 'assistants');
    form.append('file', file, file.name);
    return this.json<FileObject>('/files', { method: 'POST', body: form });
  }
  file(fileId: string) {
    return this.json<FileObject>(`/files/${fileId}`);
  }
  /** A file's bytes (images, downloads): fetched with the caller's identity, which an <img src> could not send. */
  async fileBlob(fileIdOrUrl: string): Promise<Blob> {
    const path = fileIdOrUrl.startsWith('http') ? fileIdOrUrl : `/files/${encodeURIComponent(fileIdOrUrl)}/content`;
    return (await this.fetch(path)).blob();
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return new ApiError(response.status, body.error.code ?? 'error', body.error.message);
  } catch {
    // not JSON: fall through
  }
  const words: Record<number, string> = { 401: 'You are not signed in.', 403: 'Not allowed.', 404: 'Not found.', 502: 'The API is unreachable behind its gateway.', 503: 'The service is unavailable.' };
  return new ApiError(response.status, `http_${response.status}`, words[response.status] ?? `The API answered HTTP ${response.status}.`);
}
