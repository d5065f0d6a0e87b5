// The browser suites' harness: the whole local stack (test/support/stack.ts), the web chat's dev
// server in front of it (local/web, /api proxied), and Debian's chromium driven by playwright-core.
// Screenshots go to .data/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startWebServer, type RunningWebServer } from '../../local/web';
import { apiClient, useStack, type Stack } from '../support/stack';
import type { Turn as ScenarioTurn } from '../scenarios/support';

/**
 * A scripted model turn (local/assistants-server/model/turns.ts): `delay_ms` holds it back (e.g. for cancel);
 * `files` are linked from the message as sandbox:/mnt/data/<filename>; `stream` paces the reply's deltas.
 */
export type Turn = (ScenarioTurn | { message: string; files?: Array<{ filename: string; content_base64: string }>; stream?: { chunk_chars: number; interval_ms: number } }) & {
  delay_ms?: number;
};

const ROOT = path.resolve(__dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, '.data/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface BrowserStack {
  stack: Stack;
  web: RunningWebServer;
  browser: Browser;
}

/** One stack, web server and browser for a test file. */
export function useBrowserStack(): () => BrowserStack {
  // Checked before the stack starts: without chromium the suite fails at once, saying how to install it.
  beforeAll(() => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`The browser tests need Debian's chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
    }
  });
  const stack = useStack();
  let web: RunningWebServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWebServer({ port: 0, apiOrigin: new URL(stack().api).origin });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 60_000);
  afterAll(async () => {
    // Closing the browser closes every page's context.
    await browser?.close().catch(() => undefined);
    await web?.close();
  });
  return () => {
    if (!web || !browser) throw new Error('the browser stack is not started yet');
    return { stack: stack(), web, browser };
  };
}

/**
 * Opens the page as `userId` (picked in the page's user picker, dev mode) at a desktop or narrow size, from the
 * dev server (local/web) unless `origin` names another server of it (e.g. the Functions host, which serves it too).
 */
export async function openChat(env: BrowserStack, userId: string, options: { width?: number; height?: number; hash?: string; origin?: string } = {}): Promise<Page> {
  const context = await env.browser.newContext({ viewport: { width: options.width ?? 1200, height: options.height ?? 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  (page as Page & { problems: string[] }).problems = problems;
  // ?user= preselects the page's user picker, so a thread in the URL opens as that user.
  const base = options.origin ? `${options.origin}/` : env.web.url;
  await page.goto(`${base}?user=${encodeURIComponent(userId)}${options.hash ?? ''}`);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 20_000 });
  expect(await page.getByLabel('User (dev mode)').inputValue()).toBe(userId);
  return page;
}

/** JavaScript errors the page threw or logged (expected failures of API calls are shown, not logged). */
export const pageProblems = (page: Page): string[] => (page as Page & { problems?: string[] }).problems ?? [];

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  return file;
}

/** Types a message (and optionally attaches a file) and sends it with the keyboard. */
export async function sendMessage(page: Page, text: string, options: { assistant?: string; attach?: string } = {}): Promise<void> {
  if (options.assistant) await page.getByLabel('Assistant').selectOption(options.assistant);
  if (options.attach) await page.getByLabel(/Attach a file/).setInputFiles(options.attach);
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** The run's status as the page shows it, once it reads `status`. */
export async function waitForStatus(page: Page, status: string | RegExp, timeout = 45_000): Promise<void> {
  await expect.poll(() => page.locator('#run-status').textContent(), { timeout }).toMatch(typeof status === 'string' ? new RegExp(`^${status}`) : status);
}

/** The thread the page has open (from its URL). */
export async function openThreadId(page: Page): Promise<string> {
  await expect.poll(() => new URL(page.url()).hash, { timeout: 10_000 }).toMatch(/^#thread=thread_/);
  return new URL(page.url()).hash.slice('#thread='.length);
}

/** Drops every scripted turn left on the local Assistants server (a failed test leaves none behind). */
export async function clearScripts(stack: Stack): Promise<void> {
  expect((await fetch(`${stack.assistants.url}/_admin/script`, { method: 'DELETE' })).status).toBe(200);
}

/** How many scripted turns are still waiting to be taken by a run (either protocol's queues). */
export async function scriptedTurnsLeft(stack: Stack): Promise<number> {
  const scripts = (await (await fetch(`${stack.assistants.url}/_admin/script`)).json()) as Record<string, Record<string, unknown[]> | unknown[]>;
  return Object.values(scripts).reduce<number>((sum, queue) => sum + (Array.isArray(queue) ? queue.length : Object.values(queue).reduce<number>((n, turns) => n + turns.length, 0)), 0);
}

/**
 * A thread of `userId`'s, created through the API, whose next runs take these model turns. Protocol-neutral
 * (stack.script queues them for the thread on Assistants, for its conversation on Responses); open it with
 * `openChat(env, userId, { hash: threadHash(id) })`.
 */
export async function scriptedThread(env: BrowserStack, userId: string, turns: Turn[], assistant?: string): Promise<string> {
  const created = await apiClient(env.stack, userId).post('/threads', assistant ? { assistant } : {});
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const threadId = created.body!.id as string;
  await env.stack.script(threadId, turns);
  return threadId;
}

export const threadHash = (threadId: string): string => `#thread=${threadId}`;
