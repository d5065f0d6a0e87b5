// Renders the conversation: messages (markdown sanitised, images inline, generated files as
// downloads, attachments by name) and, per run, its tool calls with arguments and outcomes.
import { describeError, type Api } from './api';
import { h } from './dom';
import { setMarkdown } from './markdown';
import type { Message, MessageContent, ToolCall } from './types';

export interface ConversationContext {
  api: Api;
  assistantName(key: string | null): string;
  onError(error: unknown): void;
}

const fileNames = new Map<string, Promise<string>>();

function fileName(api: Api, fileId: string): Promise<string> {
  let name = fileNames.get(fileId);
  if (!name) {
    name = api.file(fileId).then((f) => f.filename, () => fileId);
    fileNames.set(fileId, name);
  }
  return name;
}

/** Downloads a file with the caller's identity and hands it to the browser as a download. */
export async function downloadFile(ctx: ConversationContext, fileId: string): Promise<void> {
  try {
    const [blob, name] = await Promise.all([ctx.api.fileBlob(fileId), fileName(ctx.api, fileId)]);
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    ctx.onError(error);
  }
}

function downloadButton(ctx: ConversationContext, fileId: string, label: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'link-button', dataset: { fileId }, onclick: () => void downloadFile(ctx, fileId) }, label);
  void fileName(ctx.api, fileId).then((name) => {
    button.textContent = `${label} ${name}`;
  });
  return button;
}

export function messageItem(ctx: ConversationContext, message: Pick<Message, 'id' | 'role' | 'content'> & Partial<Message>): HTMLLIElement {
  const who = message.role === 'user' ? 'You' : ctx.assistantName(message.assistant ?? null);
  const body = h('div', { class: 'message-body' });
  for (const part of message.content) body.appendChild(contentPart(ctx, part));
  const attachments = (message.attachments ?? []).map((a) => {
    const chip = h('li', { class: 'attachment', dataset: { fileId: a.file_id } }, `Attached: ${a.file_id}`);
    void fileName(ctx.api, a.file_id).then((name) => {
      chip.textContent = `Attached: ${name}`;
    });
    return chip;
  });
  return h(
    'li',
    { class: `message ${message.role}`, dataset: { messageId: message.id, runId: message.run_id ?? '' } },
    h('p', { class: 'who' }, who),
    body,
    attachments.length ? h('ul', { class: 'attachments', 'aria-label': 'Attachments' }, ...attachments) : null,
  );
}

function contentPart(ctx: ConversationContext, part: MessageContent): HTMLElement {
  switch (part.type) {
    case 'text': {
      const files = part.text.annotations.flatMap((a) => (a.type === 'file_path' ? [a] : []));
      let value = part.text.value;
      // sandbox:/mnt/data/... links become in-page downloads of the file the assistant wrote.
      for (const a of files) if (a.text) value = value.split(a.text).join(`#file=${a.file_path.file_id}`);
      const text = h('div', { class: 'markdown' });
      setMarkdown(text, value);
      for (const anchor of text.querySelectorAll<HTMLAnchorElement>('a[href^="#file="]')) {
        const fileId = anchor.getAttribute('href')!.slice('#file='.length);
        anchor.addEventListener('click', (event) => {
          event.preventDefault();
          void downloadFile(ctx, fileId);
        });
      }
      if (!files.length) return text;
      return h('div', {}, text, h('ul', { class: 'downloads', 'aria-label': 'Files' }, ...files.map((a) => h('li', {}, downloadButton(ctx, a.file_path.file_id, 'Download')))));
    }
    case 'image_file': {
      const fileId = part.image_file.file_id;
      const img = h('img', { alt: 'Image from the assistant', class: 'inline-image', dataset: { fileId } });
      const status = h('span', { class: 'muted' }, 'Loading image…');
      ctx.api.fileBlob(part.image_file.url ?? fileId).then(
        (blob) => {
          img.src = URL.createObjectURL(blob);
          status.remove();
        },
        (error: unknown) => {
          status.textContent = `The image could not be loaded: ${describeError(error)}`;
        },
      );
      return h('figure', { class: 'image' }, img, h('figcaption', {}, status, downloadButton(ctx, fileId, 'Download')));
    }
    case 'image_url':
      return h('p', {}, 'Image: ', h('a', { href: part.image_url.url, target: '_blank', rel: 'noopener noreferrer' }, part.image_url.url));
    case 'refusal':
      return h('p', { class: 'refusal' }, `Refused: ${part.refusal}`);
    default:
      return h('span');
  }
}

const STATUS_WORDS: Record<string, string> = {
  pending: 'waiting for you',
  running: 'running',
  completed: 'done',
  succeeded: 'done',
  client_submitted: 'answered',
  failed: 'failed',
  invalid_arguments: 'failed: invalid arguments',
  timed_out: 'failed: timed out',
  unknown_outcome: 'outcome unknown',
  cancelled: 'cancelled',
  denied: 'denied by you',
};

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/** Arguments on one line, shortened: `{"symbol":"MSFT"}`. */
function preview(json: string): string {
  let compact = json;
  try {
    compact = JSON.stringify(JSON.parse(json));
  } catch {
    // shown as the model wrote it
  }
  return compact.length > 60 ? `${compact.slice(0, 57)}…` : compact;
}

/** The tool calls of one run, kept current as events arrive. */
export class ToolCallsView {
  readonly element: HTMLLIElement;
  private readonly list: HTMLUListElement;
  private readonly rows = new Map<string, { status: HTMLElement; output: HTMLElement }>();

  constructor(readonly runId: string) {
    this.list = h('ul', { class: 'tool-list' });
    this.element = h(
      'li',
      { class: 'tools', dataset: { runId }, hidden: true },
      h('details', { open: true }, h('summary', {}, 'Tool calls'), this.list),
    );
  }

  upsert(call: Pick<ToolCall, 'id' | 'name' | 'arguments' | 'owner'> & Partial<ToolCall>): void {
    let row = this.rows.get(call.id);
    if (!row) {
      const status = h('span', { class: 'tool-status' }, STATUS_WORDS[call.status ?? 'running'] ?? call.status ?? 'running');
      const output = h('div', { class: 'tool-output' });
      this.list.appendChild(
        h(
          'li',
          { class: 'tool-call', dataset: { toolName: call.name, toolCallId: call.id } },
          h(
            'p',
            {},
            h('code', { class: 'tool-name' }, call.name),
            h('code', { class: 'tool-preview' }, `(${preview(call.arguments)})`),
            ' ',
            h('span', { class: 'muted' }, call.owner === 'client' ? 'answered in this page' : 'run by the backend'),
            ' — ',
            status,
          ),
          h('div', { class: 'tool-details' }, h('details', {}, h('summary', {}, 'Arguments'), h('pre', { class: 'tool-arguments' }, pretty(call.arguments))), output),
        ),
      );
      row = { status, output };
      this.rows.set(call.id, row);
      this.element.hidden = false;
    }
    if (call.status) this.setOutcome(call.id, call.approval === 'denied' ? 'denied' : call.status, call.output ?? undefined);
  }

  setOutcome(id: string, status: string, output?: string): void {
    const row = this.rows.get(id);
    if (!row) return;
    row.status.textContent = STATUS_WORDS[status] ?? status;
    row.status.dataset['status'] = status;
    if (output !== undefined && output !== null) {
      row.output.replaceChildren(h('details', {}, h('summary', {}, 'Output'), h('pre', { class: 'tool-result' }, pretty(output))));
    }
  }
}
