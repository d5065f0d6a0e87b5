// The web chat: identity, assistant picker, the user's threads, the conversation, and the live run
// (status, tool calls, client tools, cancel) over the public API only.
import { Api, describeError } from './api';
import { easyAuthUser, loadConfig, loginUrl, logoutUrl } from './config';
import { approvalForm, clientToolForm, type PendingCall } from './client-tools';
import { messageItem, ToolCallsView, type ConversationContext } from './conversation';
import { byId, clear, h } from './dom';
import { followRun } from './follow-run';
import { setMarkdown } from './markdown';
import { TERMINAL, type Assistant, type Message, type PageConfig, type Run, type RunStatus, type Thread } from './types';

const USER_KEY = 'assistants-chat.user';
const AUTO = 'auto';
const STEPS: RunStatus[] = ['queued', 'in_progress', 'requires_action', 'completed'];
const STATUS_WORDS: Record<string, string> = {
  queued: 'queued',
  in_progress: 'in progress',
  requires_action: 'waiting for you',
  cancelling: 'cancelling',
  cancelled: 'cancelled',
  failed: 'failed',
  completed: 'completed',
  incomplete: 'incomplete',
  expired: 'expired',
};

const el = {
  identity: byId('identity'),
  assistant: byId<HTMLSelectElement>('assistant'),
  threadsToggle: byId<HTMLButtonElement>('threads-toggle'),
  sidebar: byId('sidebar'),
  error: byId('error'),
  errorText: byId('error-text'),
  errorDismiss: byId<HTMLButtonElement>('error-dismiss'),
  newThread: byId<HTMLButtonElement>('new-thread'),
  threads: byId<HTMLUListElement>('threads'),
  threadsEmpty: byId('threads-empty'),
  title: byId('thread-title'),
  conversation: byId<HTMLOListElement>('conversation'),
  run: byId('run'),
  runSteps: byId<HTMLOListElement>('run-steps'),
  runStatus: byId('run-status'),
  runTransport: byId('run-transport'),
  runRouted: byId('run-routed'),
  clientTools: byId('client-tools'),
  cancel: byId<HTMLButtonElement>('cancel'),
  replyLive: byId('reply-live'),
  composer: byId<HTMLFormElement>('composer'),
  input: byId<HTMLTextAreaElement>('composer-input'),
  attachment: byId<HTMLInputElement>('attachment'),
  send: byId<HTMLButtonElement>('send'),
};

interface ActiveRun {
  threadId: string;
  runId: string;
  abort: AbortController;
  tools: ToolCallsView;
  status: RunStatus;
  /** Client tool outputs chosen so far, sent together once every pending call has one. */
  answers: Map<string, string>;
  /** Statuses this run went through (the progress shows skipped ones as such). */
  seen: Set<string>;
}

let config: PageConfig;
let api: Api;
let assistants: Assistant[] = [];
let threadId: string | undefined;
let active: ActiveRun | undefined;
const toolViews = new Map<string, ToolCallsView>();

const ctx: ConversationContext = {
  get api() {
    return api;
  },
  assistantName: (key) => (key ? (assistants.find((a) => a.key === key)?.name ?? key) : 'Assistant'),
  onError: showError,
};

function showError(error: unknown): void {
  el.errorText.textContent = describeError(error);
  el.error.hidden = false;
}

function hideError(): void {
  el.error.hidden = true;
  el.errorText.textContent = '';
}

// ---------- identity ----------

async function setupIdentity(): Promise<boolean> {
  clear(el.identity);
  if (config.auth === 'easyauth') {
    const user = config.user ?? (await easyAuthUser());
    if (!user) {
      el.identity.append(h('a', { href: loginUrl(), class: 'button primary' }, 'Sign in'));
      showError(new Error('Sign in to see your conversations.'));
      return false;
    }
    api = new Api(config, {});
    el.identity.append(h('span', {}, `Signed in as ${user.name}`), ' ', h('a', { href: logoutUrl() }, 'Sign out'));
    return true;
  }
  const fromQuery = new URLSearchParams(location.search).get('user');
  const stored = fromQuery ?? localStorage.getItem(USER_KEY) ?? config.users[0] ?? 'alice';
  const users = [...new Set([...config.users, stored])];
  const select = h('select', { id: 'user' }, ...users.map((u) => h('option', { value: u, selected: u === stored }, u)));
  select.addEventListener('change', () => {
    localStorage.setItem(USER_KEY, select.value);
    api = new Api(config, { devUserId: select.value });
    void switchedUser();
  });
  el.identity.append(h('label', { for: 'user' }, 'User (dev mode)'), select);
  localStorage.setItem(USER_KEY, stored);
  api = new Api(config, { devUserId: stored });
  return true;
}

async function switchedUser(): Promise<void> {
  stopFollowing();
  hideError();
  newChat();
  history.replaceState(null, '', location.pathname + location.search);
  await loadThreads();
}

// ---------- assistants and threads ----------

async function loadAssistants(): Promise<void> {
  const listing = await api.assistants();
  assistants = listing.data;
  clear(el.assistant);
  for (const a of assistants) el.assistant.append(h('option', { value: a.key, selected: a.default, title: a.description }, a.name));
  if (listing.auto) el.assistant.append(h('option', { value: AUTO }, 'Auto (the copilot router picks)'));
  el.assistant.disabled = false;
}

function threadLabel(thread: Thread): string {
  const when = new Date(thread.created_at * 1000).toLocaleString();
  const title = thread.metadata['title'];
  return `${title ?? 'Chat'} — ${thread.assistant === AUTO ? 'Auto' : ctx.assistantName(thread.assistant)}, ${when}`;
}

async function loadThreads(): Promise<void> {
  try {
    const page = await api.threads();
    clear(el.threads);
    for (const thread of page.data) {
      const current = thread.id === threadId;
      el.threads.append(
        h(
          'li',
          {},
          h('button', { type: 'button', class: 'thread', dataset: { threadId: thread.id }, 'aria-current': current ? 'true' : undefined, onclick: () => void openThread(thread.id, true) }, threadLabel(thread)),
        ),
      );
    }
    el.threadsEmpty.hidden = page.data.length > 0;
  } catch (error) {
    showError(error);
  }
}

function newChat(): void {
  stopFollowing();
  threadId = undefined;
  toolViews.clear();
  clear(el.conversation);
  el.replyLive.replaceChildren();
  el.run.hidden = true;
  el.title.textContent = 'New chat';
  const def = assistants.find((a) => a.default);
  if (def) el.assistant.value = def.key;
  for (const button of el.threads.querySelectorAll('button')) button.removeAttribute('aria-current');
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
}

async function openThread(id: string, focusTitle = false): Promise<void> {
  stopFollowing();
  hideError();
  try {
    const thread = await api.thread(id);
    threadId = thread.id;
    history.replaceState(null, '', `${location.pathname}${location.search}#thread=${thread.id}`);
    el.title.textContent = thread.metadata['title'] ?? 'Chat';
    if ([...el.assistant.options].some((o) => o.value === thread.assistant)) el.assistant.value = thread.assistant;
    for (const button of el.threads.querySelectorAll<HTMLButtonElement>('button')) {
      if (button.dataset['threadId'] === id) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
    const runs = await renderConversation();
    el.run.hidden = true;
    const latest = runs[0];
    if (latest && !TERMINAL.has(latest.status)) startFollowing(latest.id, latest.status);
    closeSidebarOnNarrow();
    if (focusTitle) el.title.focus();
  } catch (error) {
    threadId = undefined;
    clear(el.conversation);
    el.title.textContent = 'Thread not available';
    showError(error);
  }
}

/**
 * Messages in order, each run's tool calls after the message that started it. Returns the runs,
 * newest first. `live` is the view the page filled from a run's events: kept, so its calls stay
 * in the order they happened.
 */
async function renderConversation(live?: ToolCallsView): Promise<Run[]> {
  if (!threadId) return [];
  const [messages, runs] = await Promise.all([api.messages(threadId), api.runs(threadId)]);
  const byRun = new Map(runs.data.map((run) => [run.id, run]));
  toolViews.clear();
  const items: HTMLElement[] = [];
  const placed = new Set<string>();
  const placeTools = (runId: string) => {
    if (placed.has(runId)) return;
    placed.add(runId);
    const view = live?.runId === runId ? live : new ToolCallsView(runId);
    for (const call of byRun.get(runId)?.tool_calls ?? []) view.upsert(call);
    toolViews.set(runId, view);
    items.push(view.element);
  };
  for (const message of messages.data) {
    if (message.role === 'assistant' && message.run_id) placeTools(message.run_id);
    items.push(messageItem(ctx, message));
    if (message.role === 'user' && message.run_id) placeTools(message.run_id);
  }
  el.conversation.replaceChildren(...items);
  items.at(-1)?.scrollIntoView({ block: 'nearest' });
  return runs.data;
}

// ---------- sending ----------

function attachmentTools(file: File): Array<{ type: string }> {
  return /\.(csv|xlsx|json)$/i.test(file.name) ? [{ type: 'code_interpreter' }] : [{ type: 'file_search' }];
}

async function send(): Promise<void> {
  const content = el.input.value.trim();
  if (!content) {
    el.input.focus();
    return;
  }
  if (active && !TERMINAL.has(active.status)) {
    showError(new Error('Wait for the current run to finish, or cancel it.'));
    return;
  }
  hideError();
  el.send.disabled = true;
  try {
    const assistant = el.assistant.value;
    if (!threadId) {
      const thread = await api.createThread(assistant, { title: content.replace(/\s+/g, ' ').slice(0, 60) });
      threadId = thread.id;
      el.title.textContent = thread.metadata['title'] ?? 'Chat';
      history.replaceState(null, '', `${location.pathname}${location.search}#thread=${thread.id}`);
      void loadThreads();
    }
    const file = el.attachment.files?.[0];
    const attachments = file ? [{ file_id: (await api.upload(file)).id, tools: attachmentTools(file) }] : undefined;
    const accepted = await api.postMessage(threadId, { content, assistant, ...(attachments ? { attachments } : {}) });
    el.input.value = '';
    el.attachment.value = '';
    const message: Message = { id: accepted.message_id, run_id: accepted.run.id, role: 'user', assistant: null, created_at: Date.now() / 1000, content: [{ type: 'text', text: { value: content, annotations: [] } }], attachments: attachments ?? [] };
    el.conversation.append(messageItem(ctx, message));
    startFollowing(accepted.run.id, accepted.run.status as RunStatus);
  } catch (error) {
    showError(error);
  } finally {
    el.send.disabled = false;
  }
}

// ---------- the live run ----------

function stopFollowing(): void {
  active?.abort.abort();
  active = undefined;
  clear(el.clientTools);
}

function renderStatus(status: RunStatus, lastError: { code: string; message: string } | null = null): void {
  if (!active) return;
  active.status = status;
  active.seen.add(status);
  el.run.hidden = false;
  el.run.dataset['status'] = status;
  const words = STATUS_WORDS[status] ?? status;
  el.runStatus.textContent = lastError ? `${words}: ${lastError.message} (${lastError.code})` : words;
  const steps: string[] = TERMINAL.has(status) && status !== 'completed' ? [...STEPS.slice(0, 3), status] : STEPS;
  const reached = steps.indexOf(status);
  const seen = active.seen;
  el.runSteps.replaceChildren(
    ...steps.map((step, i) => {
      const state = i === reached ? 'current' : i < reached ? (seen.has(step) ? 'done' : 'skipped') : '';
      return h(
        'li',
        { class: state, 'aria-current': state === 'current' ? 'step' : undefined },
        STATUS_WORDS[step] ?? step,
        state === 'skipped' ? h('span', { class: 'visually-hidden' }, ' (skipped)') : null,
      );
    }),
  );
  el.cancel.disabled = TERMINAL.has(status) || status === 'cancelling';
  el.cancel.hidden = TERMINAL.has(status);
  if (status !== 'requires_action') clear(el.clientTools);
}

function startFollowing(runId: string, status: RunStatus): void {
  stopFollowing();
  const currentThread = threadId!;
  let tools = toolViews.get(runId);
  if (!tools) {
    tools = new ToolCallsView(runId);
    toolViews.set(runId, tools);
    el.conversation.append(tools.element);
  }
  const run: ActiveRun = { threadId: currentThread, runId, abort: new AbortController(), tools, status, answers: new Map(), seen: new Set() };
  active = run;
  renderStatus(status);
  el.replyLive.replaceChildren();
  el.runRouted.textContent = '';
  const streaming = new Map<string, { text: string; el: HTMLElement }>();
  const isCurrent = () => active === run && !run.abort.signal.aborted;

  void followRun(
    api,
    currentThread,
    runId,
    {
      status: (s, lastError) => isCurrent() && renderStatus(s, lastError),
      toolCall: (call) => isCurrent() && run.tools.upsert({ ...call, status: call.owner === 'client' ? 'pending' : 'running' }),
      toolOutput: (o) => isCurrent() && run.tools.setOutcome(o.id, o.status, o.output),
      requiresAction: (view) => isCurrent() && askClientTools(run, view),
      delta: (messageId, text) => {
        if (!isCurrent()) return;
        let entry = streaming.get(messageId);
        if (!entry) {
          entry = { text: '', el: h('div', { class: 'message assistant streaming', dataset: { messageId } }) };
          streaming.set(messageId, entry);
          el.replyLive.append(entry.el);
        }
        entry.text += text;
        setMarkdown(entry.el, entry.text);
      },
      message: (m) => {
        if (!isCurrent() || m.role !== 'assistant') return;
        streaming.get(m.id)?.el.remove();
        streaming.delete(m.id);
        const item = messageItem(ctx, { id: m.id, role: 'assistant', content: m.content, run_id: runId, assistant: null });
        el.replyLive.append(h('div', { class: 'live-message' }, ...item.childNodes));
      },
      transport: (kind) => {
        if (isCurrent()) el.runTransport.textContent = kind === 'events' ? '(live events)' : '(polling)';
      },
      finished: (final) => {
        if (!isCurrent()) return;
        renderStatus(final.status, final.last_error);
        for (const call of final.tool_calls) run.tools.upsert(call);
        if (final.routed_to) el.runRouted.textContent = `Auto routed this to ${final.routed_to === 'other' ? 'a direct answer' : ctx.assistantName(final.routed_to)}.`;
        // The whole conversation again: the messages as the API lists them, download URLs and all.
        void renderConversation(run.tools).then(
          () => {
            if (active === run) el.replyLive.replaceChildren();
          },
          showError,
        );
        void loadThreads();
      },
      error: (error) => isCurrent() && showError(error),
    },
    run.abort.signal,
  );
}

function askClientTools(run: ActiveRun, view: Run): void {
  renderStatus(view.status);
  clear(el.clientTools);
  const pending: PendingCall[] = view.required_action?.tool_calls ?? [];
  for (const call of pending) run.tools.upsert({ ...call, owner: 'client', status: 'pending' });
  const forms = pending.map((call) =>
    clientToolForm(call, (output) => {
      run.answers.set(call.id, output);
      forms.forEach((form) => form.dataset['toolCallId'] === call.id && form.setAttribute('data-answered', 'true'));
      if (pending.every((c) => run.answers.has(c.id))) void submitOutputs(run, pending);
    }),
  );
  const approvals = (view.pending_approvals ?? []).map((call) => {
    run.tools.upsert({ ...call, owner: 'server', status: 'pending' });
    const form = approvalForm(call, (approve, reason) => void submitApproval(run, form, call, approve, reason));
    return form;
  });
  el.clientTools.append(...approvals, ...forms);
  (approvals[0] ?? forms[0])?.querySelector<HTMLElement>('button, textarea')?.focus();
}

/** One decision at a time: the run resumes once the last pending call is decided. */
async function submitApproval(run: ActiveRun, form: HTMLElement, call: PendingCall, approve: boolean, reason?: string): Promise<void> {
  form.querySelectorAll('button').forEach((button) => (button.disabled = true));
  try {
    const view = await api.submitToolApprovals(run.threadId, run.runId, [{ tool_call_id: call.id, approve, ...(reason ? { reason } : {}) }]);
    form.remove();
    if (!approve) run.tools.setOutcome(call.id, 'denied', view.tool_calls.find((c) => c.id === call.id)?.output ?? '');
    renderStatus(view.status);
  } catch (error) {
    form.querySelectorAll('button').forEach((button) => (button.disabled = false));
    showError(error);
  }
}

async function submitOutputs(run: ActiveRun, pending: PendingCall[]): Promise<void> {
  try {
    const outputs = pending.map((c) => ({ tool_call_id: c.id, output: run.answers.get(c.id)! }));
    const view = await api.submitToolOutputs(run.threadId, run.runId, outputs);
    clear(el.clientTools);
    for (const o of outputs) run.tools.setOutcome(o.tool_call_id, 'client_submitted', o.output);
    renderStatus(view.status);
    el.input.focus();
  } catch (error) {
    showError(error);
  }
}

async function cancel(): Promise<void> {
  if (!active) return;
  el.cancel.disabled = true;
  try {
    const view = await api.cancel(active.threadId, active.runId);
    renderStatus(view.status);
  } catch (error) {
    el.cancel.disabled = false;
    showError(error);
  }
}

// ---------- layout ----------

function closeSidebarOnNarrow(): void {
  if (getComputedStyle(el.threadsToggle).display !== 'none') setSidebar(false);
}

function setSidebar(open: boolean): void {
  el.threadsToggle.setAttribute('aria-expanded', String(open));
  el.sidebar.classList.toggle('open', open);
}

// ---------- start ----------

async function start(): Promise<void> {
  el.errorDismiss.addEventListener('click', hideError);
  el.threadsToggle.addEventListener('click', () => setSidebar(el.threadsToggle.getAttribute('aria-expanded') !== 'true'));
  el.newThread.addEventListener('click', () => {
    newChat();
    closeSidebarOnNarrow();
    el.input.focus();
  });
  el.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });
  el.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void send();
    }
  });
  el.cancel.addEventListener('click', () => void cancel());

  config = await loadConfig();
  document.body.dataset['auth'] = config.auth;
  if (!(await setupIdentity())) return;
  try {
    await loadAssistants();
  } catch (error) {
    showError(error);
  }
  await loadThreads();
  const fromHash = /^#thread=(thread_[A-Za-z0-9]+)$/.exec(location.hash)?.[1];
  if (fromHash) await openThread(fromHash);
  document.body.dataset['ready'] = 'true';
}

void start();
