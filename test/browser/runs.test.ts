// Live runs in the web chat: server tools and a chart (portfolio), a CSV attached to a message,
// the demo client tool answered in the page, cancel, and the polling fallback when events fail.
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiClient } from '../support/stack';
import { readFileSync } from 'node:fs';
import { barChartPng } from './chart-png';
import { clearScripts, openChat, openThreadId, pageProblems, screenshot, scriptedThread, scriptedTurnsLeft, sendMessage, threadHash, useBrowserStack, waitForStatus } from './support';

const ROOT = path.resolve(__dirname, '../..');
const env = useBrowserStack();
const HOLDINGS = ['MSFT', 'AAPL', 'AMZN', 'TSLA', 'NFLX', 'NVDA'];

/** Gain or loss per holding of data/finance/portfolio.csv at the fixture's prices, as a bar chart. */
function gainChart(): string {
  const prices = (JSON.parse(readFileSync(path.join(ROOT, 'src/tools/stock-prices.fixture.json'), 'utf8')) as { prices: Record<string, number> }).prices;
  const gains = readFileSync(path.join(ROOT, 'data/finance/portfolio.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => {
      const [symbol, cost, qty] = line.split(',');
      return (prices[symbol!]! - Number(cost)) * Number(qty);
    });
  return barChartPng(gains).toString('base64');
}

describe('web chat: live runs', () => {
  beforeEach(async () => {
    await clearScripts(env().stack);
  });

  it('a portfolio run shows each get_stock_price and send_email with arguments and outcomes, and the chart inline', async () => {
    const { stack } = env();
    await fetch(`${stack.mail.url}/_admin/mail`, { method: 'DELETE' });
    const threadId = await scriptedThread(
      env(),
      'investor',
      [
        { tool_calls: HOLDINGS.map((symbol) => ({ name: 'get_stock_price', arguments: { symbol } })) },
        { code_interpreter: { input: "df.plot.bar(x='Symbol', y='Gain')", image_png_base64: gainChart() } },
        { tool_calls: [{ name: 'send_email', arguments: { to: 'investor@example.com', subject: 'Your portfolio report', content: '<html><body><p>Report</p></body></html>' } }] },
        { message: 'Here is the **gain or loss** of each investment. I emailed the report to investor@example.com.' },
      ],
      'portfolio',
    );
    const page = await openChat(env(), 'investor', { hash: threadHash(threadId) });
    await sendMessage(page, 'Chart my portfolio and email me a report at investor@example.com.', { assistant: 'portfolio' });
    // send_email needs the investor's approval (assistants/portfolio.json): the page asks, nothing is sent before.
    const approval = page.getByRole('group', { name: 'The assistant wants to run send_email' });
    await approval.waitFor({ timeout: 60_000 });
    expect(JSON.parse((await approval.locator('pre').textContent())!)).toMatchObject({ to: 'investor@example.com' });
    expect(((await (await fetch(`${stack.mail.url}/_admin/mail`)).json()) as { items: unknown[] }).items).toHaveLength(0);
    await screenshot(page, 'approval');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await waitForStatus(page, 'completed', 60_000);

    const calls = page.locator('.conversation .tool-call');
    await expect.poll(() => calls.count()).toBe(7);
    const prices = page.locator('.tool-call[data-tool-name="get_stock_price"]');
    expect(await prices.count()).toBe(6);
    const symbols = await prices.locator('.tool-arguments').allTextContents();
    expect(symbols.map((text) => (JSON.parse(text) as { symbol: string }).symbol).sort()).toEqual([...HOLDINGS].sort());
    expect(await prices.locator('.tool-status').allTextContents()).toEqual(Array(6).fill('done'));
    expect(await prices.first().locator('.tool-result').textContent()).toMatch(/\d/);
    const email = page.locator('.tool-call[data-tool-name="send_email"]');
    expect(await email.locator('.tool-status').textContent()).toBe('done');
    expect(JSON.parse((await email.locator('.tool-arguments').textContent())!)).toMatchObject({ to: 'investor@example.com', subject: 'Your portfolio report' });
    expect(((await (await fetch(`${stack.mail.url}/_admin/mail`)).json()) as { items: unknown[] }).items).toHaveLength(1);

    // The reply's markdown and the chart, fetched with the caller's identity and shown inline.
    const reply = page.locator('.conversation .message.assistant').last();
    expect(await reply.locator('strong').textContent()).toBe('gain or loss');
    const chart = page.locator('.conversation .message.assistant img.inline-image');
    expect(await chart.count()).toBe(1);
    await expect.poll(() => chart.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(480);
    expect(await chart.getAttribute('src')).toMatch(/^blob:/);
    expect(await page.locator('.conversation .image').getByRole('button', { name: /^Download / }).count()).toBe(1);
    await screenshot(page, 'portfolio');
    // The view docs/web-chat.png shows: the run's tools, the chart and the reply, in one window.
    await page.setViewportSize({ width: 1280, height: 1120 });
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    await screenshot(page, 'web-chat', { fullPage: false });
    expect(pageProblems(page)).toEqual([]);
  }, 90_000);

  it('auto: the copilot router picks the trading assistant, and the page says so', async () => {
    // The router's one answer (a chat completion on Assistants, an unstored response on Responses), then the thread's turns.
    await env().stack.scriptChat('trading');
    const threadId = await scriptedThread(env(), 'router-user', [{ tool_calls: [{ name: 'get_stock_price', arguments: { symbol: 'MSFT' } }] }, { message: 'MSFT is trading at its fixture price.' }]);
    const page = await openChat(env(), 'router-user', { hash: threadHash(threadId) });
    await sendMessage(page, 'What is the price of MSFT?', { assistant: 'auto' });
    await waitForStatus(page, 'completed');
    await expect.poll(() => page.locator('#run-routed').textContent()).toMatch(/^Auto routed this to Trading/);
    const reply = page.locator('.conversation .message.assistant').last();
    expect(await reply.locator('.who').textContent()).toMatch(/^Trading/);
    expect(await reply.textContent()).toContain('MSFT is trading');
    expect(await page.locator('.tool-call[data-tool-name="get_stock_price"] .tool-status').textContent()).toBe('done');
  });

  it('uploads a CSV and attaches it to the message, shown by name before and after reopening the thread', async () => {
    const page = await openChat(env(), 'analyst');
    const uploaded = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/files');
    await sendMessage(page, 'What is in this file?', { attach: path.join(ROOT, 'data/finance/portfolio.csv') });
    const fileId = ((await (await uploaded).json()) as { id: string }).id;
    await waitForStatus(page, 'completed');
    const question = page.locator('.conversation .message.user').last();
    await expect.poll(() => question.locator('.attachment').textContent()).toBe('Attached: portfolio.csv');
    expect(await page.getByLabel(/Attach a file/).inputValue()).toBe('');

    const threadId = await openThreadId(page);
    const api = apiClient(env().stack, 'analyst');
    const file = (await api.get(`/files/${fileId}`)).body!;
    expect(file).toMatchObject({ filename: 'portfolio.csv', content_type: 'text/csv' });
    // On both protocols the message list names the file (on Responses from the ledger's record of the item).
    const messages = (await api.get(`/threads/${threadId}/messages?order=asc`)).body!.data as Array<{ role: string; attachments: Array<{ file_id: string; tools: Array<{ type: string }> }> }>;
    expect(messages.find((m) => m.role === 'user')!.attachments).toEqual([{ file_id: fileId, tools: [{ type: 'code_interpreter' }] }]);

    // Reopened from the thread list (a fresh page), the attachment is still named.
    const again = await openChat(env(), 'analyst');
    await again.locator(`#threads button[data-thread-id="${threadId}"]`).click();
    await expect.poll(() => again.locator('.conversation .message.user .attachment').textContent()).toBe('Attached: portfolio.csv');
    await screenshot(again, 'csv-attachment');
  });

  it('answers the demo client tool (confirm_choice) in the page with the keyboard, and the run goes on', async () => {
    const page = await openChat(env(), 'chooser');
    await sendMessage(page, `Which format?\n/call confirm_choice ${JSON.stringify({ question: 'Which report format?', options: ['PDF', 'HTML'] })}`);
    await waitForStatus(page, 'waiting for you');
    const ask = page.getByRole('group', { name: 'The assistant asks: Which report format?' });
    await ask.waitFor();
    expect(await page.locator('.tool-call[data-tool-name="confirm_choice"] .tool-status').textContent()).toBe('waiting for you');
    expect(await page.locator('#run-steps li[aria-current="step"]').textContent()).toBe('waiting for you');
    // The prompt came over the open event stream (proxied unbuffered), not from a finished response.
    expect(await page.locator('#run-transport').textContent()).toBe('(live events)');
    // Focus went to the first option; Tab reaches the second, Enter picks it.
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('PDF');
    await screenshot(page, 'client-tool');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    await waitForStatus(page, 'completed');
    await expect.poll(() => page.locator('.conversation .message.assistant').last().textContent()).toContain('confirm_choice returned: {"choice":"HTML"}');
    expect(await page.locator('.client-tool').count()).toBe(0);
    const threadId = await openThreadId(page);
    const runs = (await apiClient(env().stack, 'chooser').get(`/threads/${threadId}/runs`)).body!.data as Array<{ tool_calls: Array<{ name: string; owner: string; status: string }> }>;
    expect(runs[0]!.tool_calls).toEqual([expect.objectContaining({ name: 'confirm_choice', owner: 'client', status: 'completed' })]);
    expect(pageProblems(page)).toEqual([]);
  });

  it('denies a tool call the user does not want: nothing is sent and the model is told why', async () => {
    const { stack } = env();
    await fetch(`${stack.mail.url}/_admin/mail`, { method: 'DELETE' });
    const page = await openChat(env(), 'cautious');
    await sendMessage(page, `Email it\n/call send_email ${JSON.stringify({ to: 'cautious@example.com', subject: 'Report', content: '<p>r</p>' })}`, { assistant: 'portfolio' });
    const approval = page.getByRole('group', { name: 'The assistant wants to run send_email' });
    await approval.waitFor();
    // Focus starts on Approve; the reason goes with the denial.
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Approve');
    await approval.getByLabel('Reason for denying').fill('wrong recipient');
    await approval.getByRole('button', { name: 'Deny' }).click();
    await waitForStatus(page, 'completed');
    await expect.poll(() => page.locator('.conversation .tool-call[data-tool-name="send_email"] .tool-status').textContent()).toBe('denied by you');
    await expect.poll(() => page.locator('.conversation .message.assistant').last().textContent()).toContain('wrong recipient');
    expect(((await (await fetch(`${stack.mail.url}/_admin/mail`)).json()) as { items: unknown[] }).items).toHaveLength(0);
    expect(pageProblems(page)).toEqual([]);
  });

  it('answers another client tool (get_user_location) with the generic JSON form', async () => {
    const page = await openChat(env(), 'traveller');
    await sendMessage(page, 'Where am I?\n/call get_user_location {}');
    await waitForStatus(page, 'waiting for you');
    const output = page.getByLabel('Output of get_user_location');
    expect(JSON.parse(await output.inputValue())).toEqual({ city: 'Lisbon', country: 'Portugal' });
    await output.fill('{"city": "Porto", "country": "Portugal"}');
    await page.getByRole('button', { name: 'Send output' }).click();
    await waitForStatus(page, 'completed');
    await expect.poll(() => page.locator('.conversation .message.assistant').last().textContent()).toContain('get_user_location returned: {"city": "Porto", "country": "Portugal"}');
  });

  it('offers a file the assistant wrote as a download, from its link and its button', async () => {
    const csv = 'Symbol,Gain\nMSFT,1200\nTSLA,-800\n';
    const threadId = await scriptedThread(env(), 'downloader', [
      { message: 'Your [gain report](sandbox:/mnt/data/gains.csv) is ready.', files: [{ filename: 'gains.csv', content_base64: Buffer.from(csv).toString('base64') }] },
    ]);
    const page = await openChat(env(), 'downloader', { hash: threadHash(threadId) });
    await sendMessage(page, 'Write me a CSV of the gains.');
    await waitForStatus(page, 'completed');
    const reply = page.locator('.conversation .message.assistant').last();
    const link = reply.getByRole('link', { name: 'gain report' });
    expect(await link.getAttribute('href')).toMatch(/^#file=file-/);
    const button = reply.getByRole('button', { name: 'Download gains.csv' });
    await button.waitFor();
    for (const target of [link, button]) {
      const [download] = await Promise.all([page.waitForEvent('download'), target.click()]);
      expect(download.suggestedFilename()).toBe('gains.csv');
      const stream = await download.createReadStream();
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString('utf8')).toBe(csv);
    }
    expect(await page.locator('#error').isVisible()).toBe(false);
  });

  it('cancels a run that is taking long', async () => {
    const threadId = await scriptedThread(env(), 'impatient', [{ message: 'This reply comes too late.', delay_ms: 30_000 }]);
    const page = await openChat(env(), 'impatient', { hash: threadHash(threadId) });
    await sendMessage(page, 'Take your time.');
    // The model has taken its (slow) turn: the run is generating when it is cancelled.
    await expect.poll(() => scriptedTurnsLeft(env().stack), { timeout: 20_000 }).toBe(0);
    await waitForStatus(page, 'in progress');
    const cancel = page.getByRole('button', { name: 'Cancel run' });
    await cancel.waitFor();
    await cancel.click();
    await waitForStatus(page, 'cancelled', 30_000);
    expect(await cancel.isVisible()).toBe(false);
    expect(await page.locator('.conversation').textContent()).not.toContain('too late');
    const runs = (await apiClient(env().stack, 'impatient').get(`/threads/${threadId}/runs`)).body!.data as Array<{ status: string }>;
    expect(runs[0]!.status).toBe('cancelled');
    await screenshot(page, 'cancelled');
  });

  it('follows the run by polling when the event stream is refused, and shows API errors in words', async () => {
    const page = await openChat(env(), 'poller');
    await page.route('**/runs/*/events', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'no events here' } }) }));
    await sendMessage(page, 'Poll me');
    await waitForStatus(page, 'completed');
    expect(await page.locator('#run-transport').textContent()).toBe('(polling)');
    await expect.poll(() => page.locator('.conversation .message.assistant').last().textContent()).toContain('Echo: Poll me');

    // A message the API refuses (too long): its error code and message, in the alert.
    await page.getByLabel('Message', { exact: true }).fill('x'.repeat(256_001));
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/validation_failed/);
    expect(await page.getByRole('alert').textContent()).toMatch(/HTTP 400/);
  });
});
