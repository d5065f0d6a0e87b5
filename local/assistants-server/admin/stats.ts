// Request and run counters for GET /_admin/stats. Routes are keyed by template ("GET /threads/{thread_id}/runs/{run_id}"),
// the same whichever URL style the request used. by_run and by_response count the requests naming each run/response.
import type { State } from '../store/state';

export class Stats {
  private requestsTotal = 0;
  private readonly byRoute = new Map<string, number>();
  private readonly runCalls = new Map<string, number>();

  /** Counts one protocol request; `route` is null when no route matched. */
  record(route: string | null): void {
    this.requestsTotal++;
    if (route) this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  }

  touchRun(runId: string): void {
    this.runCalls.set(runId, (this.runCalls.get(runId) ?? 0) + 1);
  }

  snapshot(state: State) {
    const byRun: Record<string, { calls: number; status: string; terminal_at_ms: number | null; requires_action_at_ms: number | null }> = {};
    for (const runs of state.runs.values()) {
      for (const { run, internal } of runs.values()) {
        byRun[run.id] = {
          calls: this.runCalls.get(run.id) ?? 0,
          status: run.status,
          terminal_at_ms: internal.terminalAtMs,
          requires_action_at_ms: internal.requiresActionAtMs,
        };
      }
    }
    const byResponse: Record<string, { calls: number; status: string; terminal_at_ms: number | null }> = {};
    for (const { response, internal } of state.responses.values()) {
      byResponse[response.id] = { calls: this.runCalls.get(response.id) ?? 0, status: response.status ?? 'in_progress', terminal_at_ms: internal.terminalAtMs };
    }
    return { requests_total: this.requestsTotal, by_route: Object.fromEntries(this.byRoute), by_run: byRun, by_response: byResponse };
  }

  reset(): void {
    this.requestsTotal = 0;
    this.byRoute.clear();
    this.runCalls.clear();
  }
}
