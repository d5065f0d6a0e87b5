// `npm run bench`: how cheaply and promptly the backend follows runs, on the local stack.
// Each run thinks for THINK_MS, calls a server tool, thinks again and answers (a typical tool turn).
// Measured per run, from the local Assistants server's own stats and the ledger:
//   upstream calls that touched the run, versus a 1-second polling loop on the same run;
//   the delay between the run changing state upstream (requires_action, terminal) and the ledger recording it.
// Targets: calls <= 1/4 of the polling loop's; median notice delay <= 250 ms.
import { createLedger } from '../src/store/ledger';
import { createStorageClients } from '../src/store/storage-clients';
import { apiClient, eventually, startStack } from '../test/support/stack';

const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 3000);

interface RunStats {
  calls: number;
  status: string;
  terminal_at_ms?: number;
  requires_action_at_ms?: number;
}

async function main(): Promise<void> {
  const stack = await startStack({ syncAssistants: true });
  try {
    const user = apiClient(() => stack.api, 'bench');
    const ledger = createLedger({ LEDGER_TABLE_PREFIX: 'ledger' }, createStorageClients({ AzureWebJobsStorage: stack.azurite.connectionString }));
    const runs: Array<{ threadId: string; runId: string }> = [];
    for (let i = 0; i < RUNS; i++) {
      const threadId = (await user.post('/threads', {})).body!.id as string;
      await admin(stack.assistants.url, '/_admin/script', {
        thread_id: threadId,
        turns: [
          { tool_calls: [{ name: 'get_stock_price', arguments: { symbol: 'MSFT' } }], delay_ms: THINK_MS },
          { message: 'MSFT is trading at the quoted price.', delay_ms: THINK_MS },
        ],
      });
      const accepted = await user.post(`/threads/${threadId}/messages`, { content: 'Price of MSFT?' });
      runs.push({ threadId, runId: accepted.body!.run.id as string });
    }

    const results = [];
    for (const { threadId, runId } of runs) {
      const record = await eventually(async () => {
        const run = await ledger.getRun(threadId, runId);
        return run && run.status === 'completed' ? run : undefined;
      }, { timeoutMs: 120_000 });
      const stats = (await (await fetch(`${stack.assistants.url}/_admin/stats`)).json()) as { by_run: Record<string, RunStats> };
      const upstream = stats.by_run[record.upstreamRunId!]!;
      const noticedAt = (status: string) => record.statusHistory.find((change) => change.status === status)?.at;
      const createdAt = record.statusHistory[0]!.at;
      const durationS = ((upstream.terminal_at_ms ?? 0) - createdAt) / 1000;
      results.push({
        calls: upstream.calls,
        // A 1-second polling loop: create, one retrieve per second of the run, one submit.
        pollingCalls: 2 + Math.ceil(durationS),
        delays: [noticedAt('requires_action')! - upstream.requires_action_at_ms!, noticedAt('completed')! - upstream.terminal_at_ms!],
      });
    }

    const calls = results.reduce((sum, r) => sum + r.calls, 0);
    const polling = results.reduce((sum, r) => sum + r.pollingCalls, 0);
    const delays = results.flatMap((r) => r.delays).sort((a, b) => a - b);
    const median = delays[Math.floor(delays.length / 2)]!;
    const ratio = calls / polling;
    console.log(`runs: ${RUNS}, think time per step: ${THINK_MS} ms`);
    console.log(`upstream calls per run: ${(calls / RUNS).toFixed(2)} (1 s polling loop: ${(polling / RUNS).toFixed(2)}), ratio ${ratio.toFixed(2)} (target <= 0.25) ${ratio <= 0.25 ? 'MET' : 'MISSED'}`);
    console.log(`notice delay: median ${median} ms, p90 ${delays[Math.floor(delays.length * 0.9)]} ms, max ${delays.at(-1)} ms (target median <= 250 ms) ${median <= 250 ? 'MET' : 'MISSED'}`);
  } finally {
    await stack.close();
  }
}

async function admin(base: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
