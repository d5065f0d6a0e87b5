// Training notebook "Portfolio Management": the assistant prices every holding of the portfolio
// (parallel get_stock_price calls), charts the gains and losses, and emails an HTML report.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emailIdempotencyKey } from '../../src/tools/email/idempotency';
import { apiClient, useStack } from '../support/stack';
import { CHART_PNG_BASE64, expectPng, imagesOf, scenario, textOf } from './support';

const ROOT = path.resolve(__dirname, '../..');
const stack = useStack();
const s = scenario(stack, 'investor');

/** data/finance/portfolio.csv: Symbol, Average_Cost, QTY. */
const holdings = readFileSync(path.join(ROOT, 'data/finance/portfolio.csv'), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((line) => {
    const [symbol, cost, qty] = line.split(',');
    return { symbol: symbol!, averageCost: Number(cost), qty: Number(qty) };
  });
const prices = (JSON.parse(readFileSync(path.join(ROOT, 'src/tools/stock-prices.fixture.json'), 'utf8')) as { prices: Record<string, number> }).prices;
const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The HTML report the model would write from the prices it got. */
function htmlReport(): string {
  const rows = holdings.map((h) => {
    const value = prices[h.symbol]! * h.qty;
    const gain = value - h.averageCost * h.qty;
    return `<tr><td>${h.symbol}</td><td>${h.qty}</td><td>${usd(prices[h.symbol]!)}</td><td>${usd(value)}</td><td>${usd(gain)}</td></tr>`;
  });
  const total = holdings.reduce((sum, h) => sum + prices[h.symbol]! * h.qty, 0);
  return [
    '<html><body><h1>Portfolio report</h1>',
    '<table><tr><th>Symbol</th><th>Shares</th><th>Price</th><th>Value</th><th>Gain/Loss</th></tr>',
    ...rows,
    `</table><p>Total value: ${usd(total)}</p></body></html>`,
  ].join('\n');
}


describe('scenario: Portfolio Management (portfolio)', () => {
  it('prices each holding in parallel, charts gain/loss and emails one HTML report', async () => {
    expect(holdings.map((h) => h.symbol)).toEqual(['MSFT', 'AAPL', 'AMZN', 'TSLA', 'NFLX', 'NVDA']);
    await fetch(`${stack().mail.url}/_admin/mail`, { method: 'DELETE' });
    const threadId = await s.newThread('portfolio');
    const report = htmlReport();
    await s.script(threadId, [
      { tool_calls: holdings.map((h) => ({ name: 'get_stock_price', arguments: { symbol: h.symbol } })) },
      {
        code_interpreter: {
          input: "df = pd.read_csv('/mnt/data/portfolio.csv')\ndf['Gain'] = (df['Price'] - df['Average_Cost']) * df['QTY']\ndf.plot.bar(x='Symbol', y='Gain', color=colors, title='Gain/Loss by investment')",
          image_png_base64: CHART_PNG_BASE64,
        },
      },
      { tool_calls: [{ name: 'send_email', arguments: { to: 'investor@example.com', subject: 'Your portfolio report', content: report } }] },
      { message: 'Here is the gain or loss of each of your investments. I emailed the full report to investor@example.com.' },
    ]);

    const runId = await s.ask(threadId, 'Chart the gain or loss of my investments and email me a report at investor@example.com.');
    // send_email needs the investor's approval (assistants/portfolio.json): nothing is sent before it.
    const waiting = await s.awaitingApproval(threadId, runId);
    expect(waiting.pending_approvals.map((call) => call.name)).toEqual(['send_email']);
    expect(JSON.parse(waiting.pending_approvals[0]!.arguments)).toMatchObject({ to: 'investor@example.com' });
    expect(waiting.required_action).toBeNull();
    expect(await s.mail()).toHaveLength(0);
    const approved = await s.api.post(`/threads/${threadId}/runs/${runId}/tool_approvals`, { approvals: [{ tool_call_id: waiting.pending_approvals[0]!.id, approve: true }] });
    expect(approved.status, JSON.stringify(approved.body)).toBe(202);
    // A second decision on the same call is refused.
    const again = await s.api.post(`/threads/${threadId}/runs/${runId}/tool_approvals`, { approvals: [{ tool_call_id: waiting.pending_approvals[0]!.id, approve: false }] });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'conflict' } });
    const run = await s.finished(threadId, runId);
    expect(run).toMatchObject({ status: 'completed', assistant: 'portfolio' });

    // One get_stock_price per holding, each answered by the backend with that symbol's price.
    const priceCalls = run.tool_calls.filter((call) => call.name === 'get_stock_price');
    expect(priceCalls.map((call) => (JSON.parse(call.arguments) as { symbol: string }).symbol).sort()).toEqual(holdings.map((h) => h.symbol).sort());
    expect(priceCalls.every((call) => Object.keys(JSON.parse(call.arguments) as object).join() === 'symbol')).toBe(true);
    for (const call of priceCalls) {
      const { symbol } = JSON.parse(call.arguments) as { symbol: string };
      expect(call).toMatchObject({ status: 'completed', owner: 'server' });
      expect(call.output).toContain(String(prices[symbol]));
    }
    // …made in parallel: all six in the run's first step.
    const steps = (await s.api.get(`/threads/${threadId}/runs/${runId}/steps?order=asc`)).body!.data as Array<{ type: string; tool_calls: Array<{ type: string; name: string | null }> }>;
    expect(steps.map((step) => step.tool_calls.map((c) => c.name ?? c.type))).toEqual([
      holdings.map(() => 'get_stock_price'),
      ['code_interpreter'],
      ['send_email'],
      [],
    ]);

    // Exactly one email, carrying the HTML report.
    const emailCall = run.tool_calls.find((call) => call.name === 'send_email')!;
    expect(emailCall).toMatchObject({ status: 'completed', approval: 'approved' });
    const mails = await s.mail();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: 'investor@example.com', subject: 'Your portfolio report', content: report, idempotencyKey: emailIdempotencyKey(emailCall.id) });
    expect(mails[0]!.content).toMatch(/^<html>[\s\S]*<table>[\s\S]*<\/table>[\s\S]*<\/html>$/);
    for (const h of holdings) expect(mails[0]!.content).toContain(`<td>${h.symbol}</td>`);

    // The reply shows the gain/loss chart.
    const reply = await s.reply(threadId, runId);
    expect(textOf(reply)).toContain('emailed the full report');
    const images = imagesOf(reply);
    expect(images).toHaveLength(1);
    expectPng((await s.downloadImage(images[0]!.url, images[0]!.file_id)).bytes);
  });

  it('never sends an email the investor denies, and tells the model why', async () => {
    await fetch(`${stack().mail.url}/_admin/mail`, { method: 'DELETE' });
    const threadId = await s.newThread('portfolio');
    await s.script(threadId, [
      { tool_calls: [{ name: 'send_email', arguments: { to: 'investor@example.com', subject: 'Your portfolio report', content: '<p>report</p>' } }] },
      { message: 'Understood, I did not send the report.' },
    ]);
    const runId = await s.ask(threadId, 'Email me a report at investor@example.com.');
    const waiting = await s.awaitingApproval(threadId, runId);
    const callId = waiting.pending_approvals[0]!.id;

    // Someone else cannot decide it; a call that is not pending cannot be decided.
    const stranger = await apiClient(() => stack().api, 'stranger').post(`/threads/${threadId}/runs/${runId}/tool_approvals`, { approvals: [{ tool_call_id: callId, approve: true }] });
    expect(stranger.status).toBe(404);
    const unknown = await s.api.post(`/threads/${threadId}/runs/${runId}/tool_approvals`, { approvals: [{ tool_call_id: 'call_unknown1', approve: true }] });
    expect(unknown.status).toBe(409);

    const denied = await s.api.post(`/threads/${threadId}/runs/${runId}/tool_approvals`, { approvals: [{ tool_call_id: callId, approve: false, reason: 'not today' }] });
    expect(denied.status, JSON.stringify(denied.body)).toBe(202);
    const run = await s.finished(threadId, runId);
    expect(run.status).toBe('completed');
    const emailCall = run.tool_calls.find((call) => call.id === callId)!;
    expect(emailCall).toMatchObject({ status: 'cancelled', approval: 'denied', owner: 'server' });
    expect(JSON.parse(emailCall.output!)).toMatchObject({ error: 'denied_by_user' });
    expect(emailCall.output).toContain('not today');
    expect(await s.mail()).toHaveLength(0);
    expect(textOf(await s.reply(threadId, runId))).toContain('did not send');
  });
});
