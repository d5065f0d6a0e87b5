// Runs: create (plain or streamed, with additional_messages/instructions and overrides),
// create-thread-and-run, list, get, modify, cancel, submit_tool_outputs.
import { EventChannel } from '../../engine/events';
import type { Route } from '../../http/context';
import { invalidRequest } from '../../http/errors';
import { POLL_HEADERS } from '../../http/headers';
import { paginate } from '../../http/pagination';
import { parseOrThrow } from '../../http/validate';
import { activeRun, findAssistant, findRun, findThread } from '../lookup';
import { checkMessageFiles, createMessage } from '../messages/records';
import { createThread } from '../threads/records';
import { runSettings } from './settings';
import { createRunSchema, createThreadAndRunSchema, modifyRunSchema, submitToolOutputsSchema } from './validation';

export const runRoutes: Route[] = [
  {
    method: 'POST',
    path: '/threads/{thread_id}/runs',
    handler: async (ctx) => {
      const { state } = ctx.services.store;
      const thread = findThread(state, ctx.params.thread_id!);
      const body = parseOrThrow(createRunSchema, await ctx.json());
      const assistant = findAssistant(state, body.assistant_id);
      const active = activeRun(state, thread.id);
      if (active) throw invalidRequest(`Thread ${thread.id} already has an active run ${active.run.id}.`);
      for (const message of body.additional_messages ?? []) checkMessageFiles(state, message);
      for (const message of body.additional_messages ?? []) createMessage(ctx.services, thread.id, message);
      const channel = body.stream ? new EventChannel() : undefined;
      const run = ctx.services.engine.createRun(thread.id, runSettings(assistant, body), channel?.push);
      ctx.touchRun(run.id);
      return channel ? { events: channel } : { json: run, headers: POLL_HEADERS };
    },
  },
  {
    method: 'POST',
    path: '/threads/runs',
    handler: async (ctx) => {
      const body = parseOrThrow(createThreadAndRunSchema, await ctx.json());
      const assistant = findAssistant(ctx.services.store.state, body.assistant_id);
      // Run-level tool_resources serve the new thread when it names none of its own.
      const thread = createThread(ctx.services, { ...body.thread, tool_resources: body.thread?.tool_resources ?? body.tool_resources });
      const channel = body.stream ? new EventChannel() : undefined;
      channel?.push({ event: 'thread.created', data: structuredClone(thread) });
      const run = ctx.services.engine.createRun(thread.id, runSettings(assistant, body), channel?.push);
      ctx.touchRun(run.id);
      return channel ? { events: channel } : { json: run, headers: POLL_HEADERS };
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/runs',
    handler: (ctx) => {
      const { state } = ctx.services.store;
      const thread = findThread(state, ctx.params.thread_id!);
      return { json: paginate([...state.threadRuns(thread.id).values()].map((s) => s.run), ctx.query) };
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/runs/{run_id}',
    handler: (ctx) => ({ json: findRun(ctx.services.store.state, ctx.params.thread_id!, ctx.params.run_id!).run, headers: POLL_HEADERS }),
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/runs/{run_id}',
    handler: async (ctx) => {
      const { run } = findRun(ctx.services.store.state, ctx.params.thread_id!, ctx.params.run_id!);
      const body = parseOrThrow(modifyRunSchema, await ctx.json());
      if (body.metadata !== undefined) run.metadata = body.metadata ?? {};
      ctx.services.store.changed();
      return { json: run, headers: POLL_HEADERS };
    },
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/runs/{run_id}/cancel',
    handler: (ctx) => {
      const stored = findRun(ctx.services.store.state, ctx.params.thread_id!, ctx.params.run_id!);
      return { json: ctx.services.engine.cancel(stored), headers: POLL_HEADERS };
    },
  },
  {
    method: 'POST',
    path: '/threads/{thread_id}/runs/{run_id}/submit_tool_outputs',
    handler: async (ctx) => {
      const stored = findRun(ctx.services.store.state, ctx.params.thread_id!, ctx.params.run_id!);
      const body = parseOrThrow(submitToolOutputsSchema, await ctx.json());
      const channel = body.stream ? new EventChannel() : undefined;
      const run = ctx.services.engine.submitToolOutputs(stored, body.tool_outputs, channel?.push);
      return channel ? { events: channel } : { json: run, headers: POLL_HEADERS };
    },
  },
];
