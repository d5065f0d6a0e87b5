// The web chat in a real browser on the local stack: a user sends a message and sees the reply,
// with markdown rendered safely; a second user does not see the first user's threads.
import { describe, expect, it } from 'vitest';
import { apiClient } from '../support/stack';
import { openChat, openThreadId, pageProblems, screenshot, scriptedThread, sendMessage, threadHash, useBrowserStack, waitForStatus } from './support';

const env = useBrowserStack();

describe('web chat: conversation', () => {
  it('sends a message with the keyboard and shows the reply, the run status and the thread', async () => {
    const page = await openChat(env(), 'alice');
    const offered = await page.getByLabel('Assistant').locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    expect(offered).toEqual(expect.arrayContaining(['default', 'portfolio', 'math-tutor', 'auto']));
    expect(await page.getByLabel('Assistant').inputValue()).toBe('default');

    await sendMessage(page, 'Hello **there**');
    await waitForStatus(page, 'completed');
    const reply = page.locator('.conversation .message.assistant').last();
    // The local model echoes; the echo's markdown is rendered (bold), not shown as asterisks.
    await expect.poll(() => reply.textContent()).toContain('Echo: Hello there');
    expect(await reply.locator('strong').textContent()).toBe('there');
    const question = page.locator('.conversation .message.user').last();
    expect(await question.textContent()).toContain('Hello there');
    expect(await question.locator('strong').textContent()).toBe('there');
    expect(await page.locator('#run-steps li').allTextContents()).toEqual(['queued', 'in progress', 'waiting for you (skipped)', 'completed']);
    expect(await page.locator('#run-steps li[aria-current="step"]').textContent()).toBe('completed');
    expect(await page.getByRole('button', { name: 'Cancel run' }).isVisible()).toBe(false);
    expect(await page.locator('#run-transport').textContent()).toBe('(live events)');

    // The thread is listed with its title and open (aria-current), and the API agrees on what was said.
    const threadId = await openThreadId(page);
    const listed = page.locator(`#threads button[data-thread-id="${threadId}"]`);
    await expect.poll(() => listed.textContent()).toContain('Hello **there**');
    expect(await listed.getAttribute('aria-current')).toBe('true');
    const messages = (await apiClient(env().stack, 'alice').get(`/threads/${threadId}/messages?order=asc`)).body!.data as Array<{ role: string }>;
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    await screenshot(page, 'chat-reply');
    expect(pageProblems(page)).toEqual([]);
  });

  it('shows the reply growing before the run completes (paced deltas over the live event stream)', async () => {
    const final = 'The answer grows word by word as the model writes it, one paced delta after another, until it is whole.';
    const threadId = await scriptedThread(env(), 'watcher', [{ message: final, stream: { chunk_chars: 8, interval_ms: 250 } }]);
    const page = await openChat(env(), 'watcher', { hash: threadHash(threadId) });
    // A log kept by the page itself: the live reply's text and the run status shown, at every change of the DOM.
    await page.evaluate(`(() => {
      const log = (window.__replyLog = []);
      const live = document.getElementById('reply-live');
      const status = document.getElementById('run-status');
      new MutationObserver(() => log.push({ text: live.textContent, status: status.textContent })).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await sendMessage(page, 'Tell me slowly.');
    await waitForStatus(page, 'completed');
    await expect.poll(() => page.locator('.conversation .message.assistant').last().textContent()).toContain(final);

    const log = (await page.evaluate('window.__replyLog')) as Array<{ text: string | null; status: string | null }>;
    const shownBeforeCompleted = log.filter((entry) => !/^completed/.test(entry.status ?? '')).map((entry) => (entry.text ?? '').trim());
    const strictPrefixes = new Set(shownBeforeCompleted.filter((text) => text.length > 0 && text.length < final.length && final.startsWith(text)));
    expect(strictPrefixes.size, JSON.stringify(log.slice(0, 40))).toBeGreaterThanOrEqual(3);
    // The live region screen readers follow is the one that grew.
    expect(await page.locator('#reply-live').getAttribute('aria-live')).toBe('polite');
    expect(pageProblems(page)).toEqual([]);
  });

  it('works served by the Function app itself, as deployed: page at the root, API under /api, one origin', async () => {
    const page = await openChat(env(), 'alice', { origin: env().stack.host.url });
    const served = await page.request.get(`${env().stack.host.url}/`);
    expect(served.headers()['content-security-policy']).toContain("default-src 'self'");
    await sendMessage(page, 'Served by the function');
    await waitForStatus(page, 'completed');
    await expect.poll(() => page.locator('.conversation .message.assistant').last().textContent()).toContain('Echo: Served by the function');
    expect(await page.locator('#run-transport').textContent()).toBe('(live events)');
    expect(pageProblems(page)).toEqual([]);
  });

  it('renders markdown sanitised: no script, handler or javascript: link survives', async () => {
    const page = await openChat(env(), 'alice');
    const hostile = 'Look <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> [click](javascript:window.__pwned=3) <a href="https://example.com" onclick="window.__pwned=4">ok</a>';
    await sendMessage(page, hostile);
    await waitForStatus(page, 'completed');
    const reply = page.locator('.conversation .message.assistant').last();
    await expect.poll(() => reply.textContent()).toContain('Echo: Look');
    expect(await reply.locator('script, img, [onerror], [onclick]').count()).toBe(0);
    expect(await reply.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await reply.locator('a[href="https://example.com"]').getAttribute('rel')).toBe('noopener noreferrer');
    await reply.locator('a', { hasText: 'click' }).click().catch(() => undefined);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });

  it('a second user does not see the first user\'s threads, and cannot open one by its URL', async () => {
    const alice = await openChat(env(), 'alice');
    await sendMessage(alice, 'Alice private note');
    await waitForStatus(alice, 'completed');
    const alicesThread = await openThreadId(alice);

    const bob = await openChat(env(), 'bob');
    await sendMessage(bob, 'Bob says hi');
    await waitForStatus(bob, 'completed');
    const bobsThread = await openThreadId(bob);
    await expect.poll(() => bob.locator('#threads button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-thread-id')))).toContain(bobsThread);
    const bobSees = await bob.locator('#threads button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-thread-id')));
    expect(bobSees).not.toContain(alicesThread);
    expect(await bob.locator('#threads').textContent()).not.toContain('Alice private note');

    // Alice's thread by URL, as bob: the API's 404 in words, nothing of alice's shown.
    const byUrl = await openChat(env(), 'bob', { hash: `#thread=${alicesThread}` });
    await expect.poll(() => byUrl.locator('#error-text').textContent()).toMatch(/not found/i);
    expect(await byUrl.locator('#error').isVisible()).toBe(true);
    expect(await byUrl.locator('.conversation').textContent()).not.toContain('Alice private note');

    // Switching the picker back to alice shows her thread again.
    await byUrl.getByLabel('User (dev mode)').selectOption('alice');
    await expect.poll(() => byUrl.locator('#threads button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-thread-id')))).toContain(alicesThread);
    await screenshot(bob, 'second-user');
  });

  it('works by keyboard and on a narrow screen: skip link, labelled controls, focus order, live regions, collapsible threads', async () => {
    const page = await openChat(env(), 'alice', { width: 390, height: 844 });
    // Every form control has a label; every button has words.
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, textarea')].filter((c) => c.labels.length === 0 && !c.getAttribute('aria-label')).map((c) => c.id || c.outerHTML)`);
    expect(unlabelled).toEqual([]);
    const wordless = await page.evaluate(`[...document.querySelectorAll('button')].filter((b) => !b.textContent.trim() && !b.getAttribute('aria-label')).length`);
    expect(wordless).toBe(0);
    expect(await page.locator('#reply-live').getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('#run-status').getAttribute('role')).toBe('status');
    expect(await page.locator('#error').getAttribute('role')).toBe('alert');

    // The first Tab reaches the skip link, which takes focus to the message box; then the file input and Send follow.
    const focused = () => page.evaluate(`document.activeElement.id || document.activeElement.textContent`);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to the message box');
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('composer-input');
    await page.keyboard.type('Typed with the keyboard');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('attachment');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('send');
    await page.keyboard.press('Enter');
    await waitForStatus(page, 'completed');
    await expect.poll(() => page.locator('.conversation .message.assistant').last().textContent()).toContain('Echo: Typed with the keyboard');

    // Narrow: the thread list is behind a disclosure button, and nothing overflows sideways.
    const toggle = page.getByRole('button', { name: 'Threads' });
    expect(await toggle.isVisible()).toBe(true);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#sidebar').isVisible()).toBe(false);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('#sidebar').isVisible()).toBe(true);
    await screenshot(page, 'narrow-threads');
    const first = page.locator('#threads button').first();
    await first.focus();
    await page.keyboard.press('Enter');
    // Opening a thread closes the list and moves focus to the thread's title.
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await focused()).toBe('thread-title');
    await screenshot(page, 'narrow');
    expect(pageProblems(page)).toEqual([]);
  });

  it('renders message.delta text as it arrives in the live region, and resumes the stream with Last-Event-ID (stubbed event stream)', async () => {
    // The backend does not relay deltas yet, so this stream is served by the test (the documented
    // event format); the run itself is real and its final conversation comes from the API.
    const page = await openChat(env(), 'streamer');
    const frames = (events: Array<[number, string, unknown]>) => `retry: 200\n\n${events.map(([id, event, data]) => `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('')}`;
    const resumedWith: Array<string | undefined> = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/runs/*/events', async (route) => {
      const lastEventId = route.request().headers()['last-event-id'];
      resumedWith.push(lastEventId);
      if (lastEventId === undefined) {
        // The first connection ends after three deltas, as a dropped connection would.
        return route.fulfill({ status: 200, contentType: 'text/event-stream', body: frames([
          [1, 'run.status', { status: 'in_progress', last_error: null }],
          [2, 'message.delta', { id: 'msg_stub', delta: 'Hel' }],
          [3, 'message.delta', { id: 'msg_stub', delta: 'lo **wor' }],
          [4, 'message.delta', { id: 'msg_stub', delta: 'ld**' }],
        ]) });
      }
      await held;
      return route.fulfill({ status: 200, contentType: 'text/event-stream', body: frames([
        [5, 'message.completed', { id: 'msg_stub', role: 'assistant', content: [{ type: 'text', text: { value: 'Hello **world**', annotations: [] } }] }],
        [6, 'done', { status: 'completed' }],
      ]) });
    });
    await sendMessage(page, 'Stream to me');
    const streaming = page.locator('#reply-live .streaming');
    await expect.poll(async () => (await streaming.textContent())?.trim()).toBe('Hello world');
    expect(await streaming.locator('strong').textContent()).toBe('world');
    expect(await page.locator('#run-status').textContent()).toBe('in progress');
    expect(await page.locator('#reply-live').getAttribute('aria-live')).toBe('polite');
    // The page reconnected with the last id it had seen.
    await expect.poll(() => resumedWith).toEqual([undefined, '4']);
    // The stub's `done` must tell the truth: held until the real run has ended (a loaded worker may be slow).
    const threadId = await openThreadId(page);
    const streamer = apiClient(env().stack, 'streamer');
    await expect.poll(async () => ((await streamer.get(`/threads/${threadId}/runs`)).body!.data as Array<{ status: string }>)[0]?.status, { timeout: 30_000 }).toBe('completed');
    release();
    await waitForStatus(page, 'completed');
    await expect.poll(() => page.locator('.conversation .message.assistant').last().textContent()).toContain('Echo: Stream to me');
    expect(await page.locator('#reply-live').textContent()).toBe('');
  }, 60_000);

  it('in easyauth mode (config.json) uses App Service Authentication: a sign-in link when signed out, no x-user-id when signed in', async () => {
    // Azure's /.auth endpoints and the config a deployment would ship, stubbed; the API calls are recorded.
    const context = await env().browser.newContext();
    const page = await context.newPage();
    let signedIn = false;
    const apiHeaders: Array<Record<string, string>> = [];
    await page.route('**/config.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ auth: 'easyauth', apiBase: '/api' }) }));
    await page.route('**/.auth/me', (route) =>
      signedIn
        ? route.fulfill({ contentType: 'application/json', body: JSON.stringify([{ user_id: 'ada@example.com', user_claims: [{ typ: 'name', val: 'Ada Lovelace' }] }]) })
        : route.fulfill({ status: 401, contentType: 'application/json', body: '{}' }),
    );
    await page.route('**/api/**', (route) => {
      apiHeaders.push(route.request().headers());
      const url = new URL(route.request().url());
      const body = url.pathname === '/api/assistants' ? { data: [{ key: 'default', name: 'General Assistant', description: '', default: true }], auto: true } : { data: [], has_more: false, last_id: null };
      return route.fulfill({ contentType: 'application/json', body: JSON.stringify(body) });
    });

    await page.goto(env().web.url);
    const signIn = page.getByRole('link', { name: 'Sign in' });
    await signIn.waitFor();
    expect(await signIn.getAttribute('href')).toBe('/.auth/login/aad?post_login_redirect_uri=%2F');
    expect(await page.getByLabel('User (dev mode)').count()).toBe(0);
    expect(apiHeaders).toEqual([]);

    signedIn = true;
    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.locator('#identity').textContent()).toContain('Signed in as Ada Lovelace');
    expect(await page.getByRole('link', { name: 'Sign out' }).getAttribute('href')).toMatch(/^\/\.auth\/logout/);
    expect(apiHeaders.length).toBeGreaterThan(0);
    for (const headers of apiHeaders) expect(headers).not.toHaveProperty('x-user-id');
    await context.close();
  });
});
