// Time: runs expire at created_at + 600 on the controllable clock; cancel goes cancelling → cancelled.
import { describe, expect, it } from 'vitest';
import { collapseDeltas, errorOf, sendEmailTool } from './fixtures';
import { useAssistantsServer } from './support/harness';

const h = useAssistantsServer();

async function setup(content: string) {
  const assistant = await h.openai.beta.assistants.create({ model: 'gpt-4o', tools: [sendEmailTool] });
  const thread = await h.openai.beta.threads.create({ messages: [{ role: 'user', content }] });
  return { assistant, thread };
}

async function waitFor(read: () => Promise<{ status: string }>, status: string) {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (value.status === status) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never reached ${status}`);
}

describe('expiry', () => {
  it('expires a run left in requires_action once the clock passes expires_at', async () => {
    const { assistant, thread } = await setup('/call send_email {"to":"x@example.com"}');
    const run = await h.openai.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    expect(run.status).toBe('requires_action');

    const { now_ms } = await h.admin.advanceClock(0);
    // Just short of expires_at (unix seconds): still waiting; just past it: expired.
    await h.admin.advanceClock(run.expires_at! * 1000 - now_ms - 2_000);
    expect((await h.openai.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })).status).toBe('requires_action');
    await h.admin.advanceClock(2_500);
    const expired = await h.openai.beta.threads.runs.retrieve(run.id, { thread_id: thread.id });
    expect(expired.status).toBe('expired');
    expect(expired.expires_at).toBe(run.expires_at);
    expect(expired.required_action).toBeNull();
    expect(expired.usage).not.toBeNull();

    const [step] = (await h.openai.beta.threads.runs.steps.list(run.id, { thread_id: thread.id })).data;
    expect(step!.status).toBe('expired');
    expect(step!.expired_at).toBeGreaterThanOrEqual(run.expires_at!);

    const call = run.required_action!.submit_tool_outputs.tool_calls[0]!;
    const late = await errorOf(h.openai.beta.threads.runs.submitToolOutputs(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: call.id, output: 'x' }] }));
    expect(late).toMatchObject({ status: 400, message: 'Runs in status "expired" do not accept tool outputs.' });

    const stats = await h.admin.stats();
    expect(stats.by_run[run.id]).toMatchObject({ status: 'expired' });
    expect(stats.by_run[run.id]!.terminal_at_ms).toBeGreaterThanOrEqual(stats.by_run[run.id]!.requires_action_at_ms!);
    // The thread takes a new run once its run expired.
    const again = await h.openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    expect(again.expires_at).toBe(again.created_at + 600);
    await h.openai.beta.threads.runs.cancel(again.id, { thread_id: thread.id });
  });

  it('expires a run still in progress, and stamps new objects with the advanced clock', async () => {
    const { assistant, thread } = await setup('slow');
    await h.admin.script({ thread_id: thread.id, turns: [{ message: 'too late', delay_ms: 3_600_000 }] });
    const run = await h.openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    await waitFor(() => h.openai.beta.threads.runs.retrieve(run.id, { thread_id: thread.id }), 'in_progress');
    const before = await h.openai.beta.assistants.create({ model: 'gpt-4o' });
    await h.admin.advanceClock(600_000);
    const expired = await h.openai.beta.threads.runs.retrieve(run.id, { thread_id: thread.id });
    expect(expired.status).toBe('expired');
    const messages = await h.openai.beta.threads.messages.list(thread.id);
    expect(messages.data.map((m) => m.role)).toEqual(['user']);
    const after = await h.openai.beta.assistants.create({ model: 'gpt-4o' });
    expect(after.created_at - before.created_at).toBeGreaterThanOrEqual(600);
  });

  it('spends a turn’s delay_ms in progress, measured on the clock', async () => {
    const { assistant, thread } = await setup('wait');
    await h.admin.script({ thread_id: thread.id, turns: [{ message: 'done waiting', delay_ms: 120_000 }] });
    const run = await h.openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id });
    await waitFor(() => h.openai.beta.threads.runs.retrieve(run.id, { thread_id: thread.id }), 'in_progress');
    await new Promise((r) => setTimeout(r, 100));
    expect((await h.openai.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })).status).toBe('in_progress');
    await h.admin.advanceClock(120_000);
    const done = await h.openai.beta.threads.runs.poll(run.id, { thread_id: thread.id });
    expect(done.status).toBe('completed');
  });
});

describe('cancel', () => {
  it('goes cancelling then cancelled for a run waiting on tool outputs', async () => {
    const { assistant, thread } = await setup('/call send_email {}');
    const run = await h.openai.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
    const cancelling = await h.openai.beta.threads.runs.cancel(run.id, { thread_id: thread.id });
    expect(cancelling.status).toBe('cancelling');
    const cancelled = await h.openai.beta.threads.runs.poll(run.id, { thread_id: thread.id });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelled_at).not.toBeNull();
    expect(cancelled.expires_at).toBeNull();
    const [step] = (await h.openai.beta.threads.runs.steps.list(run.id, { thread_id: thread.id })).data;
    expect(step).toMatchObject({ status: 'cancelled', type: 'tool_calls' });
    expect(step!.cancelled_at).not.toBeNull();
    expect(await errorOf(h.openai.beta.threads.runs.cancel(run.id, { thread_id: thread.id }))).toMatchObject({
      status: 400,
      message: "Cannot cancel run with status 'cancelled'.",
    });
  });

  it('ends a stream with thread.run.cancelling and thread.run.cancelled when a running run is cancelled', async () => {
    const { assistant, thread } = await setup('slow');
    await h.admin.script({ thread_id: thread.id, turns: [{ message: 'never', delay_ms: 300_000 }] });
    const stream = h.openai.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id });
    const events: string[] = [];
    stream.on('event', (e) => {
      events.push(e.event);
      if (e.event === 'thread.run.in_progress') void h.openai.beta.threads.runs.cancel(e.data.id, { thread_id: thread.id });
    });
    const final = await stream.finalRun();
    expect(final.status).toBe('cancelled');
    expect(collapseDeltas(events)).toEqual(['thread.run.created', 'thread.run.queued', 'thread.run.in_progress', 'thread.run.cancelling', 'thread.run.cancelled']);
    const messages = await h.openai.beta.threads.messages.list(thread.id);
    expect(messages.data.map((m) => m.role)).toEqual(['user']);
  });
});
