// The local Assistants server's admin API, as the benchmark uses it: scripts per thread (Assistants) or
// conversation (Responses) and the server's own per-run and per-response stats (call counts, and the
// server-clock moments a run or response became terminal, or a run required action).
import type { ScriptTurn } from './workload';

export interface ServerRunStats {
  calls: number;
  status: string;
  terminal_at_ms: number | null;
  requires_action_at_ms: number | null;
}

/** A response has no requires_action: one that completes with function calls is answered by the next response. */
export interface ServerResponseStats {
  calls: number;
  status: string;
  terminal_at_ms: number | null;
}

export interface ServerStats {
  requests_total: number;
  by_route: Record<string, number>;
  by_run: Record<string, ServerRunStats>;
  by_response: Record<string, ServerResponseStats>;
}

/** Whose script queue turns go to: a thread's runs (Assistants) or a conversation's responses (Responses). */
export type ScriptTarget = { thread_id: string } | { conversation_id: string };

/** Every run and response the server knows, by id (the id prefixes, run_ and resp_, never collide). */
export function upstreamStatuses(stats: ServerStats): Array<[string, { status: string }]> {
  return [...Object.entries(stats.by_run), ...Object.entries(stats.by_response)];
}

export function serverAdmin(base: string) {
  const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}/_admin${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} /_admin${route} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    script: (target: ScriptTarget, turns: ScriptTurn[]) => call<unknown>('POST', '/script', { ...target, turns }),
    stats: () => call<ServerStats>('GET', '/stats'),
    /** Server clock minus this process's clock (0 unless someone advanced it). */
    clockOffsetMs: async () => {
      const before = Date.now();
      const { now_ms } = await call<{ now_ms: number }>('GET', '/clock');
      return now_ms - (before + Date.now()) / 2;
    },
  };
}

export type ServerAdmin = ReturnType<typeof serverAdmin>;
