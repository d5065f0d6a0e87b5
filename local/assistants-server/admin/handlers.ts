// /_admin: faults, stats, clock, scripts and reset. No credentials, never faulted.
import { z } from 'zod';
import type { Clock } from '../engine/clock';
import type { ResponseEngine } from '../engine/response-engine';
import type { RunEngine } from '../engine/run-engine';
import type { Route } from '../http/context';
import { invalidRequest } from '../http/errors';
import { faultsSchema, type Faults } from '../http/faults';
import type { RateWindow } from '../http/headers';
import { INT, parseOrThrow } from '../http/validate';
import { chatTurnSchema, scriptTurnSchema } from '../model/turns';
import { emptyScripts } from '../store/state';
import type { Store } from '../store/store';
import type { Stats } from './stats';

export interface AdminDeps {
  store: Store;
  clock: Clock;
  engine: RunEngine;
  responses: ResponseEngine;
  faults: Faults;
  stats: Stats;
  rates: RateWindow;
}

const clockSchema = z.strictObject({ advance_ms: z.number().int().min(0, INT) });
const scriptSchema = z.strictObject({
  assistant_id: z.string().optional(),
  thread_id: z.string().optional(),
  conversation_id: z.string().optional(),
  turns: z.array(scriptTurnSchema).optional(),
  chat: z.array(chatTurnSchema).optional(),
});

export function adminRoutes(deps: AdminDeps): Route[] {
  const { store, clock, engine, responses, faults, stats, rates } = deps;
  const clockState = () => ({ now_ms: clock.nowMs(), offset_ms: clock.offset });
  return [
    { method: 'GET', path: '/health', handler: () => ({ json: { status: 'ok' } }) },
    { method: 'GET', path: '/faults', handler: () => ({ json: faults.current }) },
    {
      method: 'POST',
      path: '/faults',
      handler: async (ctx) => {
        faults.set(parseOrThrow(faultsSchema, await ctx.json()));
        return { json: faults.current };
      },
    },
    { method: 'GET', path: '/stats', handler: () => ({ json: stats.snapshot(store.state) }) },
    { method: 'GET', path: '/clock', handler: () => ({ json: clockState() }) },
    {
      method: 'POST',
      path: '/clock',
      handler: async (ctx) => {
        clock.advance(parseOrThrow(clockSchema, await ctx.json()).advance_ms);
        store.changed();
        return { json: clockState() };
      },
    },
    {
      method: 'POST',
      path: '/script',
      handler: async (ctx) => {
        const body = parseOrThrow(scriptSchema, await ctx.json());
        const scopes = [body.assistant_id, body.thread_id, body.conversation_id].filter((s) => s !== undefined).length;
        if (scopes > 1) throw invalidRequest('Give one of assistant_id, thread_id or conversation_id.', body.thread_id ? 'thread_id' : 'conversation_id');
        const { scripts } = store.state;
        const turns = body.turns ?? [];
        if (body.thread_id) (scripts.byThread[body.thread_id] ??= []).push(...turns);
        else if (body.conversation_id) (scripts.byConversation[body.conversation_id] ??= []).push(...turns);
        else if (body.assistant_id) (scripts.byAssistant[body.assistant_id] ??= []).push(...turns);
        else scripts.global.push(...turns);
        scripts.chat.push(...(body.chat ?? []));
        store.changed();
        return { json: scripts };
      },
    },
    { method: 'GET', path: '/script', handler: () => ({ json: store.state.scripts }) },
    {
      method: 'DELETE',
      path: '/script',
      handler: () => {
        store.state.scripts = emptyScripts();
        store.changed();
        return { json: store.state.scripts };
      },
    },
    {
      method: 'POST',
      path: '/reset',
      handler: () => {
        engine.reset();
        responses.reset();
        clock.reset();
        store.reset();
        faults.reset();
        stats.reset();
        rates.reset();
        return { json: { reset: true } };
      },
    },
  ];
}
