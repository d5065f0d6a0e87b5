// Health: probes each dependency concurrently, each bounded by a timeout, and reports
// 200 when all are up (or not configured, or an optional dependency unavailable) and 503 when any is down.
import type { McpServerHealth } from '../tools/mcp';
import type { Upstream } from '../upstream/port';
import { retirementWarning, type Provider } from '../upstream/providers';

/** `unavailable`: an optional dependency that did not answer; its warning says so and the report stays ok. */
export type ProbeResult = 'up' | 'not_configured' | 'unavailable';
/** A probe may say more than up/not configured: which source it found, and a warning that leaves the report ok. */
export interface ProbeReport {
  status: ProbeResult;
  source?: string;
  warning?: string;
  /** A short, secret-free reason (unavailable). */
  error?: string;
  /** The setting an operator should set (not_configured). */
  setting?: string;
  /** How many tools it offers (MCP servers). */
  tools?: number;
}
export type Probe = (signal: AbortSignal) => Promise<ProbeResult | ProbeReport>;

export interface DependencyStatus extends Omit<ProbeReport, 'status'> {
  status: ProbeResult | 'down';
  latencyMs: number;
}

export interface HealthReport {
  status: 'ok' | 'unhealthy';
  checks: Record<string, DependencyStatus>;
}

export async function checkHealth(probes: Record<string, Probe>, options: { timeoutMs?: number; now?: () => number } = {}): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const now = options.now ?? Date.now;
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<[string, DependencyStatus]> => {
      const started = now();
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const result = await Promise.race([
          probe(signal),
          new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), { once: true })),
        ]);
        const report = typeof result === 'string' ? { status: result } : result;
        return [name, { ...report, latencyMs: now() - started }];
      } catch (error) {
        // Only a short, secret-free reason: probes never put URLs in their errors.
        return [name, { status: 'down', latencyMs: now() - started, error: describeFailure(error) }];
      }
    }),
  );
  const checks = Object.fromEntries(entries);
  const status = entries.some(([, check]) => check.status === 'down') ? 'unhealthy' : 'ok';
  return { status, checks };
}

function describeFailure(error: unknown): string {
  if (error && typeof error === 'object') {
    const { status, code, name } = error as { status?: number; code?: string; name?: string };
    if (typeof status === 'number') return `answered ${status}`;
    if (code) return code;
    if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code) return cause.code;
  }
  return error instanceof Error && /no answer within/.test(error.message) ? error.message : 'unreachable';
}

/** The upstream service through the port's cheapest call; a provider on borrowed time (foundry-classic) stays up, with its retirement date. */
export function upstreamProbe(upstream: Pick<Upstream, 'probe'>, provider: Provider): Probe {
  return async (signal) => {
    await upstream.probe(signal);
    const warning = retirementWarning(provider);
    return warning ? { status: 'up', warning } : 'up';
  };
}

/** Reachability of an HTTP endpoint without sending its secret query (e.g. a Logic App SAS signature): any HTTP answer from its origin counts. */
export function originReachableProbe(url: string | undefined, fetchImpl: typeof fetch = fetch): Probe {
  return async (signal) => {
    if (!url) return 'not_configured';
    await fetchImpl(new URL(url).origin, { method: 'HEAD', signal });
    return 'up';
  };
}

/**
 * Which source get_stock_price answers from. The fixture is always "up" but, outside local development, carries
 * a warning: its prices are not live. Twelve Data is probed by its origin only (no key sent, no credit spent).
 */
export function marketDataProbe(
  config: { STOCK_PRICE_PROVIDER: string; STOCK_PRICE_URL?: string; provider: string },
  fetchImpl: typeof fetch = fetch,
): Probe {
  return async (signal) => {
    if (config.STOCK_PRICE_PROVIDER === 'fixture') {
      return config.provider === 'local'
        ? { status: 'up', source: 'fixture' }
        : { status: 'up', source: 'fixture', warning: 'get_stock_price answers from the offline fixture: its prices are not live market data. Set STOCK_PRICE_PROVIDER=twelvedata and STOCK_PRICE_API_KEY.' };
    }
    await originReachableProbe(config.STOCK_PRICE_URL ?? 'https://api.twelvedata.com', fetchImpl)(signal);
    return { status: 'up', source: config.STOCK_PRICE_PROVIDER };
  };
}

/**
 * A setting still holding an unresolved Key Vault reference: reported as not configured, with a warning that
 * names the setting (never its value), and the report stays ok. Otherwise the dependency's own probe runs.
 */
export function unlessUnresolved(setting: string, unresolved: readonly string[], probe: Probe): Probe {
  if (!unresolved.includes(setting)) return probe;
  return async () => ({ status: 'not_configured', warning: `${setting} is a Key Vault reference App Service has not resolved (role assignments still propagating, or a missing secret); what needs it is unavailable until it resolves.` });
}

/** The health check name of an MCP server. */
export const mcpCheckName = (server: string): string => `mcp_${server}`;

/**
 * One MCP server (optional: an assistant's tools, not the app): ok → up with its tool count; unavailable and
 * not_configured carry a warning and leave the report ok. The server's own health bounds its time (cached list, one ping).
 */
export function mcpServerProbe(health: () => Promise<McpServerHealth>): Probe {
  return async () => {
    const state = await health();
    if (state.status === 'ok') {
      const warning = state.missing.length ? `MCP server "${state.server}" does not list ${state.missing.join(', ')}, which assistants expose: not offered.` : undefined;
      return { status: 'up', tools: state.tools, ...(warning ? { warning } : {}) };
    }
    if (state.status === 'unavailable') {
      return { status: 'unavailable', error: state.reason, warning: `MCP server "${state.server}" could not be listed (${state.reason}); its tools are not offered until it answers.` };
    }
    return { status: 'not_configured', warning: state.reason, ...(state.setting ? { setting: state.setting } : {}) };
  };
}
