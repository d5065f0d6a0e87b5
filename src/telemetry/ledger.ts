// The ledger, traced: every write (a method named record*, update*, set*, claim*, ...) is a span, whatever store
// it belongs to, so new stores are covered without edits. Reads are not spans (they are many and cheap).
// The run's metrics come from here too, because every status change of every run passes through updateRun:
// runs by terminal status with their duration, time in requires_action, and token usage on the enclosing span.
import { SpanKind, type Span } from '@opentelemetry/api';
import { isTerminal } from '../runs/run-facts';
import type { Ledger, NewRun, RunPatch, RunRecord } from '../store/ledger';
import { ATTR, LEDGER_DB_SYSTEM } from './attributes';
import { instruments } from './instruments';
import { activeSpan, currentTraceparent, inSpan } from './spans';

const WRITE = /^(record|update|set|claim|reclaim|complete|append|touch|delete|purge|acquire|renew|release|bind|upsert|mark|remove|put|save|create)/;

export function tracedLedger(ledger: Ledger): Ledger {
  const recorded = new RecentKeys(1_000);
  return new Proxy(ledger, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      if (!WRITE.test(property)) {
        if (property === 'getRun') return async (...args: unknown[]) => annotate(activeSpan(), (await method.apply(target, args)) as RunRecord | null);
        return method.bind(target);
      }
      return (...args: unknown[]) => {
        // Captured before the ledger span starts: the HTTP or delivery span the write belongs to.
        const enclosing = activeSpan();
        // A new run remembers the span that started it, so a wake-up from another request continues its trace.
        if (property === 'recordRun' && args[0] && !(args[0] as NewRun).traceparent) {
          const traceparent = currentTraceparent();
          if (traceparent) args = [{ ...(args[0] as NewRun), traceparent }, ...args.slice(1)];
        }
        return inSpan(`ledger ${property}`, { kind: SpanKind.CLIENT, attributes: { [ATTR.dbSystem]: LEDGER_DB_SYSTEM, [ATTR.dbOperation]: property } }, async () => {
          const result = await method.apply(target, args);
          if (property === 'recordRun') annotate(enclosing, result as RunRecord);
          if (property === 'updateRun') onRunUpdated(result as RunRecord, args[2] as RunPatch, recorded, enclosing);
          return result;
        });
      };
    },
  });
}

/** The run's keys on the span the read or write belongs to (the HTTP start, the delivery). */
function annotate(span: Span | undefined, run: RunRecord | null): RunRecord | null {
  if (run) span?.setAttributes({ [ATTR.threadId]: run.threadId, [ATTR.runId]: run.runId, [ATTR.assistantKey]: run.assistantKey });
  return run;
}

/**
 * A status change this write made (the newest history entry is stamped with this write's time): a terminal
 * one counts the run; leaving requires_action measures the time spent there. Recent keys guard against counting
 * one change twice when a duplicate worker in this process writes the same end again.
 */
function onRunUpdated(run: RunRecord, patch: RunPatch | undefined, recorded: RecentKeys, enclosing: Span | undefined): void {
  if (run.usage && patch?.usage) enclosing?.setAttributes({ [ATTR.genAiInputTokens]: run.usage.prompt_tokens, [ATTR.genAiOutputTokens]: run.usage.completion_tokens });
  const history = run.statusHistory;
  const last = history[history.length - 1];
  if (!patch?.status || !last || last.status !== patch.status || last.at !== run.updatedAt) return;
  if (!recorded.add(`${run.runId}:${last.status}:${last.at}`)) return;
  const attributes = { [ATTR.runStatus]: last.status, [ATTR.assistantKey]: run.assistantKey };
  const previous = history[history.length - 2];
  if (previous?.status === 'requires_action') instruments().requiresActionDuration.record(Math.max(0, last.at - previous.at) / 1000, { [ATTR.assistantKey]: run.assistantKey, [ATTR.runStatus]: last.status });
  if (isTerminal(last.status)) {
    instruments().runs.add(1, attributes);
    instruments().runDuration.record(Math.max(0, (run.completedAt ?? last.at) - run.createdAt) / 1000, attributes);
    enclosing?.setAttribute(ATTR.runStatus, last.status);
  }
}

/** A bounded set of recently seen keys (oldest evicted first). */
class RecentKeys {
  #keys = new Set<string>();
  constructor(private readonly limit: number) {}

  /** False when the key was already there. */
  add(key: string): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#keys.size > this.limit) this.#keys.delete(this.#keys.values().next().value as string);
    return true;
  }
}
