// Assistant key → upstream assistant id for the API, without a lookup per request:
// one listing of the upstream assistants is cached for ttlMs, and a key missing from it
// triggers one early refresh (a sync may just have created it).
//
// Errors: a key that no definition has is the caller's mistake → 400 (badRequest, field
// "assistant", with the known keys). A defined key with no upstream assistant means this
// deployment has not been synced → 503 upstream_unavailable, not 404: the request was valid.
import type OpenAI from 'openai';
import { AppError, badRequest } from '../errors';
import type { AssistantDefinition } from './definition';
import { listOurAssistants } from './upstream-tags';

export interface AssistantResolverOptions {
  client: OpenAI;
  deploymentId: string;
  definitions: AssistantDefinition[];
  /** How long one listing is trusted. */
  ttlMs: number;
  /** A miss refreshes the listing only if it is at least this old, so an unsynced key cannot cause a listing per request. Default 5 s. */
  missRefreshMs?: number;
  /** Epoch ms (tests). */
  now?: () => number;
}

export interface ResolvedAssistant {
  assistantId: string;
  definition: AssistantDefinition;
}

export interface AssistantListing {
  key: string;
  /** null while the definition has not been synced upstream. */
  assistantId: string | null;
  definition: AssistantDefinition;
}

export interface AssistantResolver {
  resolve(key: string): Promise<ResolvedAssistant>;
  /** Every defined assistant in definition order, with its upstream id when synced. */
  list(): Promise<AssistantListing[]>;
  /** Forget the cached listing (e.g. after upstream answered 404 for a cached id). */
  invalidate(): void;
}

interface Snapshot {
  ids: Map<string, string>;
  at: number;
}

export function createAssistantResolver(options: AssistantResolverOptions): AssistantResolver {
  const now = options.now ?? Date.now;
  const missRefreshMs = options.missRefreshMs ?? 5_000;
  const definitions = new Map(options.definitions.map((def) => [def.key, def]));
  let snapshot: Snapshot | undefined;
  let inflight: Promise<Snapshot> | undefined;

  // Concurrent requests share one listing.
  const refresh = (): Promise<Snapshot> =>
    (inflight ??= listOurAssistants(options.client, options.deploymentId)
      .then((ours) => {
        const ids = new Map<string, string>();
        for (const [key, assistant] of ours.byKey) if (definitions.has(key)) ids.set(key, assistant.id);
        snapshot = { ids, at: now() };
        return snapshot;
      })
      .finally(() => {
        inflight = undefined;
      }));

  const current = async (): Promise<Snapshot> => (snapshot && now() - snapshot.at < options.ttlMs ? snapshot : refresh());

  return {
    async resolve(key) {
      const definition = definitions.get(key);
      if (!definition) {
        throw badRequest(`Unknown assistant "${key}".`, { field: 'assistant', allowed: [...definitions.keys()] });
      }
      let snap = await current();
      if (!snap.ids.has(key) && now() - snap.at >= missRefreshMs) snap = await refresh();
      const assistantId = snap.ids.get(key);
      if (!assistantId) {
        throw new AppError('upstream_unavailable', `Assistant "${key}" is not provisioned for this deployment yet; run the assistants sync.`, 503);
      }
      return { assistantId, definition };
    },
    async list() {
      const snap = await current();
      return [...definitions.values()].map((definition) => ({ key: definition.key, assistantId: snap.ids.get(definition.key) ?? null, definition }));
    },
    invalidate() {
      snapshot = undefined;
    },
  };
}
