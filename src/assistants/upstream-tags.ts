// How our assistants are recognised upstream. Every assistant the sync writes carries metadata
// app_deployment (this deployment's DEPLOYMENT_ID), app_key (the definition's key) and
// app_hash (the definition's content hash). Anything without our app_deployment is someone
// else's and is never updated, reported or deleted.
import type OpenAI from 'openai';
import type { Assistant } from 'openai/resources/beta/assistants';
import { METADATA_KEYS } from '../runs/run-facts';


export function tagOf(assistant: Pick<Assistant, 'metadata'>, tag: string): string | undefined {
  const value = (assistant.metadata as Record<string, unknown> | null | undefined)?.[tag];
  return typeof value === 'string' ? value : undefined;
}

export interface OurAssistants {
  /** The newest of our assistants for each app_key. */
  byKey: Map<string, Assistant>;
  /** Older copies of a key (left by an interrupted or concurrent sync): candidates for cleanup. */
  duplicates: Array<{ key: string; id: string }>;
  /** Ours (app_deployment matches) but carrying no app_key. */
  untagged: Assistant[];
}

/** Lists every upstream assistant (all pages) and keeps this deployment's, grouped by key. */
export async function listOurAssistants(client: OpenAI, deploymentId: string): Promise<OurAssistants> {
  const all: Assistant[] = [];
  for await (const assistant of client.beta.assistants.list({ limit: 100 })) all.push(assistant);
  return groupOurAssistants(all, deploymentId);
}

export function groupOurAssistants(assistants: Assistant[], deploymentId: string): OurAssistants {
  const byKey = new Map<string, Assistant>();
  const duplicates: Array<{ key: string; id: string }> = [];
  const untagged: Assistant[] = [];
  for (const assistant of assistants) {
    if (tagOf(assistant, METADATA_KEYS.deployment) !== deploymentId) continue;
    const key = tagOf(assistant, METADATA_KEYS.assistantKey);
    if (!key) {
      untagged.push(assistant);
      continue;
    }
    const kept = byKey.get(key);
    if (!kept) byKey.set(key, assistant);
    else if (isNewer(assistant, kept)) {
      duplicates.push({ key, id: kept.id });
      byKey.set(key, assistant);
    } else duplicates.push({ key, id: assistant.id });
  }
  return { byKey, duplicates, untagged };
}

/** Newest by created_at; the id breaks ties so every reader picks the same one. */
function isNewer(a: Assistant, b: Assistant): boolean {
  return a.created_at !== b.created_at ? a.created_at > b.created_at : a.id > b.id;
}
