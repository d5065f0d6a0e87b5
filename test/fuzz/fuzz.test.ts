// The fuzz suite (issue #14) on the full local stack. In `npm test` a quick slice (FUZZ_REQUESTS, default
// 250); `npm run test:fuzz` runs the same file with FUZZ_FULL=1 (2,500 requests) and prints the FUZZ line.
// The seed (FUZZ_SEED) decides every request, so a finding reproduces with the same seed.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack';
import { describeFindings, distinctFindings, runFuzz, summaryLine } from './fuzz';

const full = process.env.FUZZ_FULL === '1';
const seed = Number(process.env.FUZZ_SEED ?? 14);
const requests = Number(process.env.FUZZ_REQUESTS ?? (full ? 2_500 : 250));
const budgetMs = Number(process.env.FUZZ_BUDGET_MS ?? (full ? 420_000 : 90_000));

let stack: Stack;

beforeAll(async () => {
  // A small upload limit makes oversize uploads cheap; sweeps only ever list (dry run).
  stack = await startStack({ env: { MAX_UPLOAD_BYTES: String(64 * 1024), SWEEP_DRY_RUN: 'true' } });
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

describe(`fuzz (${full ? 'full' : 'quick slice'}, seed ${seed})`, () => {
  it(`sends ${requests} hostile requests: no 5xx, only enveloped errors, no cross-user leak, no hang, healthy after`, async () => {
    const { summary, findings, statusesByStrategy, log } = await runFuzz({ api: stack.api, seed, requests, budgetMs, concurrency: Number(process.env.FUZZ_CONCURRENCY ?? 4), log: full ? (line) => console.log(line) : undefined });
    const line = summaryLine(summary);
    if (process.env.FUZZ_OUT) writeFileSync(process.env.FUZZ_OUT, JSON.stringify({ summary, line, statusesByStrategy, findings, log, distinct: distinctFindings(findings) }, null, 2));
    console.log(line);
    const report = `${findings.length} finding(s), first ones:\n${describeFindings(findings, 8)}`;
    expect(summary.requests, 'every planned request was sent').toBeGreaterThanOrEqual(requests);
    expect(findings, report).toEqual([]);
    expect(summary.healthy).toBe(true);
  }, 600_000);
});
