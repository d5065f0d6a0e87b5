// The follower relays the model's text as `message.delta` run events, coalesced to one write per
// MESSAGE_DELTA_INTERVAL_MS, always written before the whole message and before the next state.
import type { Message } from 'openai/resources/beta/threads/messages';
import { describe, expect, it } from 'vitest';
import { MESSAGE_DELTA_INTERVAL_MS, type RunEvent } from '../../../src/runs/run-facts';
import { RunFollower } from '../../../src/runs/run-follower';
import type { UpstreamStream, UpstreamUpdate } from '../../../src/runs/upstream-runs';
import type { Ledger, RunRecord } from '../../../src/store/ledger';

function harness() {
  let now = 1_000_000;
  const events: RunEvent[] = [];
  const ledger = {
    appendRunEvent: async (_runId: string, event: RunEvent & { at: number }) => {
      events.push({ type: event.type, data: event.data } as RunEvent);
    },
    updateRun: async (_t: string, _r: string, patch: Partial<RunRecord>) => ({ ...run, ...patch }),
    recordFile: async () => undefined,
  } as unknown as Ledger;
  const run = { threadId: 't', runId: 'run_1', ownerId: 'u', status: 'in_progress' } as RunRecord;
  const logger = { debug() {}, info() {}, warn() {}, error() {}, child() { return logger; } } as never;
  const follower = new RunFollower({ ledger, logger, now: () => now, upstream: { runMessages: async () => [], file: async () => ({ filename: 'f', bytes: 0 }) } }, run);
  return { follower, events, advance: (ms: number) => (now += ms) };
}

/** A stream whose updates each run `before` first (to move the clock between them). */
function streamOf(steps: Array<{ update: UpstreamUpdate; before?: () => void }>): UpstreamStream {
  let aborted = false;
  async function* read() {
    for (const step of steps) {
      step.before?.();
      yield step.update;
    }
  }
  const iterable = read();
  return { [Symbol.asyncIterator]: () => iterable, abort: () => void (aborted = true), get aborted() { return aborted; } };
}

const delta = (text: string, messageId = 'msg_1'): UpstreamUpdate => ({ type: 'text_delta', messageId, text });
const message = (text: string): UpstreamUpdate => ({ type: 'message', message: { id: 'msg_1', role: 'assistant', content: [{ type: 'text', text: { value: text, annotations: [] } }] } as unknown as Message });
const completed: UpstreamUpdate = { type: 'state', state: { id: 'run_up', status: 'completed', toolCalls: [] } };

describe('message deltas', () => {
  it('coalesces deltas that arrive within one interval, and flushes before the whole message', async () => {
    const h = harness();
    const words = ['The ', 'answer ', 'is ', '42', '.'];
    const outcome = await h.follower.follow(streamOf([...words.map((w) => ({ update: delta(w) })), { update: message(words.join('')) }, { update: completed }]), Number.MAX_SAFE_INTEGER);
    expect(outcome.kind).toBe('decisive');
    // The first delta is written at once; the rest of the same instant wait and go out before message.completed.
    expect(h.events.map((e) => e.type)).toEqual(['message.delta', 'message.delta', 'message.completed', 'run.status']);
    const deltas = h.events.flatMap((e) => (e.type === 'message.delta' ? [e.data.delta] : []));
    expect(deltas.join('')).toBe('The answer is 42.');
  });

  it('writes at most once per interval while the model keeps writing', async () => {
    const h = harness();
    const step = MESSAGE_DELTA_INTERVAL_MS / 4;
    const pieces = Array.from({ length: 40 }, (_, i) => ({ update: delta(`w${i} `), before: () => h.advance(step) }));
    await h.follower.follow(streamOf([...pieces, { update: message('whole') }, { update: completed }]), Number.MAX_SAFE_INTEGER);
    const deltas = h.events.filter((e) => e.type === 'message.delta');
    // 40 pieces over 10 intervals: one write per interval (plus the flush before the message), not 40.
    expect(deltas.length).toBeGreaterThanOrEqual(10);
    expect(deltas.length).toBeLessThanOrEqual(11);
    expect(deltas.map((e) => (e.type === 'message.delta' ? e.data.delta : '')).join('')).toBe(pieces.map((_, i) => `w${i} `).join(''));
  });

  it('keeps messages apart: a new message id flushes the previous one first', async () => {
    const h = harness();
    await h.follower.follow(streamOf([{ update: delta('a', 'msg_1') }, { update: delta('b', 'msg_1') }, { update: delta('c', 'msg_2') }, { update: completed }]), Number.MAX_SAFE_INTEGER);
    expect(h.events.filter((e) => e.type === 'message.delta').map((e) => e.data)).toEqual([
      { id: 'msg_1', delta: 'a' },
      { id: 'msg_1', delta: 'b' },
      { id: 'msg_2', delta: 'c' },
    ]);
  });
});
