// Token streaming through the API: the worker relays the upstream stream's text deltas as `message.delta`
// events on the run's SSE stream, before the whole message; a reconnect with Last-Event-ID resumes them.
import { describe, expect, it } from 'vitest';
import { apiClient, useStack } from '../../support/stack';
import { readSse } from '../api/support';

const stack = useStack();
const long = 'A reply long enough to arrive in many pieces. '.repeat(12).trim();

describe('message.delta', () => {
  it('streams the reply text before message.completed, and resumes after the last event seen', async () => {
    const alice = apiClient(() => stack().api, 'alice');
    const threadId = (await alice.post('/threads', {})).body!.id as string;
    const runId = (await alice.post(`/threads/${threadId}/messages`, { content: long })).body!.run.id as string;
    const url = `${stack().api}/threads/${threadId}/runs/${runId}/events`;
    const all = await readSse(url, { 'x-user-id': 'alice' }, { timeoutMs: 30_000 });
    const types = all.events.map((e) => e.event);
    expect(types.at(-1)).toBe('done');

    const deltas = all.events.filter((e) => e.event === 'message.delta').map((e) => JSON.parse(e.data) as { id: string; delta: string });
    const completed = all.events.find((e) => e.event === 'message.completed');
    expect(deltas.length).toBeGreaterThan(0);
    expect(types.indexOf('message.delta')).toBeLessThan(types.indexOf('message.completed'));
    // The deltas of the message add up to its text (the unscripted model echoes the user's text).
    const message = JSON.parse(completed!.data) as { id: string; content: Array<{ text: { value: string } }> };
    expect(deltas.every((d) => d.id === message.id)).toBe(true);
    expect(deltas.map((d) => d.delta).join('')).toBe(message.content[0]!.text.value);
    expect(message.content[0]!.text.value).toContain(long);

    // Resuming after the first delta replays everything after it, deltas included.
    const firstDelta = all.events.find((e) => e.event === 'message.delta')!;
    const resumed = await readSse(url, { 'x-user-id': 'alice', 'last-event-id': firstDelta.id! }, { timeoutMs: 30_000 });
    const afterFirst = all.events.slice(all.events.indexOf(firstDelta) + 1).map((e) => e.id);
    expect(resumed.events.map((e) => e.id)).toEqual(afterFirst);
  });
});
