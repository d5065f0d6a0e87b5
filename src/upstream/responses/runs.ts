// The worker's runs port (src/runs/upstream-runs.ts) over Responses: a run is a chain of background responses in
// the thread's conversation (background, store, stream). The chain lives in the ledger (RunRecord.upstreamRunIds);
// the upstream run id the worker holds is always one of its responses, and calls about an older one follow the
// chain to the newest.
//
// Duplicate workers: before creating a response (the first, or the one answering function calls) a delivery
// claims the chain's next link with a conditional ledger write; a loser adopts (start) or returns null (submit).
// A claim whose holder died before creating goes stale after CHAIN_CLAIM_STALE_MS and may be retaken.
// Remaining window, stated honestly: a delivery that dies after the create request reached the service but before
// the response's first event was linked leaves that response unknown to us; the retaker creates another one, so
// that step can run twice (both answers land in the conversation). Tool effects stay exactly-once: they are keyed
// by call_id in the ledger, not by response.
import { APIConnectionError, APIError, type OpenAI } from 'openai';
import type { Response } from 'openai/resources/responses/responses';
import type { Logger } from '../../logging';
import type { Ledger, RunRecord } from '../../store/ledger';
import { isDecisive, METADATA_KEYS } from '../../runs/run-facts';
import type { UpstreamRunState, UpstreamRuns, UpstreamStream } from '../../runs/upstream-runs';
import type { Bindings } from './bindings';
import type { EndedResponses } from './ended';
import { containerFileIdOf } from './ids';
import { isChatMessage, toAssistantsMessage } from './messages';
import type { RequestBuilder } from './request';
import { responseState } from './state';
import { responseUpdates } from './stream';
import { withChainUsage } from './usage';

/**
 * Creating a response is one request, and its first event (which links it) comes at once; a claim this old belongs
 * to a delivery that died. Shorter than the queue's retries of a message (5 deliveries, 5 s visibility apart).
 */
export const CHAIN_CLAIM_STALE_MS = 30_000;
/** How long a duplicate start waits for the winner to link the run's first response, and how often it looks. */
const START_WAIT_MS = 5_000;
const START_LOOK_MS = 250;

export interface RunsDeps {
  client: OpenAI;
  ledger: Ledger;
  bindings: Bindings;
  requests: RequestBuilder;
  logger: Logger;
  now: () => number;
  /** How long a response asking for tool outputs takes them (RUN_ACTION_TIMEOUT). */
  actionTimeoutMs: number;
  /** Ended responses this process saw (immutable): asked about again without an upstream call. */
  ended: EndedResponses;
}

/** The response the worker should look at: `id`, or the newest of its run's chain when the chain moved on. */
interface Current {
  response: Response;
  run: RunRecord | null;
}

export function createResponsesRuns(deps: RunsDeps): UpstreamRuns {
  const { client, ledger, bindings, ended } = deps;

  const current = async (threadId: string, responseId: string): Promise<Current> => {
    const response = await ended.retrieve(responseId);
    const runId = response.metadata?.[METADATA_KEYS.runId];
    const run = runId ? await ledger.getRun(threadId, runId) : null;
    const newest = run?.upstreamRunIds?.at(-1);
    if (!run || !newest || newest === responseId || !run.upstreamRunIds?.includes(responseId)) return { response, run };
    return { response: await ended.retrieve(newest), run };
  };

  /** The state of the newest response; a requires_action someone is answering right now reads as in_progress. */
  const stateOf = async ({ response, run }: Current): Promise<UpstreamRunState> => {
    const state = await withChainUsage(ended, responseState(response, deps.now(), deps.actionTimeoutMs), response, run?.upstreamRunIds);
    const claim = run?.chainClaim;
    const answering = claim && claim.from === response.id && deps.now() - claim.at < CHAIN_CLAIM_STALE_MS;
    return state.status === 'requires_action' && answering ? { ...state, status: 'in_progress', toolCalls: [] } : state;
  };

  /** Claims the link after `from`, creates the response under the claim and streams it. */
  const extend = async (run: RunRecord, from: string | null, input: OpenAI.Responses.ResponseInput | undefined): Promise<UpstreamStream | 'lost'> => {
    const at = deps.now();
    const claimed = await ledger.claimResponseChain(run.threadId, run.runId, { from, at, staleMs: CHAIN_CLAIM_STALE_MS });
    if (claimed !== 'claimed') return 'lost';
    try {
      const thread = await bindings.thread(run.threadId);
      const parts = await deps.requests.build({ assistantKey: run.assistantId ?? run.assistantKey, runId: run.runId, additionalInstructions: run.additionalInstructions, thread });
      const conversation = await bindings.conversationOf(run.threadId);
      const create = (items: OpenAI.Responses.ResponseInput | undefined) =>
        client.responses.create({ ...parts, conversation, ...(items?.length ? { input: items } : {}), background: true, store: true, stream: true });
      const source = await create(input).catch(async (error: unknown) => {
        // An earlier run of the thread ended (cancelled, expired, failed) while its calls waited for outputs: the
        // conversation refuses every later response until they are answered. Answer them as abandoned, once.
        if (!(error instanceof APIError && error.status === 400 && /No tool output found for function call/.test(error.message))) throw error;
        const closing = await abandonedCallOutputs(client, conversation, input);
        if (closing.length === 0) throw error;
        deps.logger.warn('answered function calls an ended run left open', { threadId: run.threadId, runId: run.runId, calls: closing.length });
        return create([...closing, ...(input ?? [])]);
      });
      return responseUpdates(deps, source, { threadId: run.threadId, runId: run.runId, link: true });
    } catch (error) {
      // Refused, or never sent: nothing was created, so the next delivery may try at once. A lost connection may
      // have created it: that claim is left to go stale (the window described above).
      if (!(error instanceof APIConnectionError)) await ledger.releaseResponseChain(run.threadId, run.runId, { from, at });
      throw error;
    }
  };

  return {
    /**
     * A duplicate start waits briefly for the winner to link the first response and adopts it, retrying the claim as
     * it waits (a dead winner's claim goes stale). Past the wait it throws: the queue delivers the message again, and
     * the stale time is well inside the queue's retries, so a dead winner cannot wedge (or poison) the run.
     */
    async start(toStart) {
      const waitUntil = deps.now() + START_WAIT_MS;
      for (;;) {
        const run = await bindings.run(toStart.threadId, toStart.runId);
        const first = run.upstreamRunIds?.[0];
        if (first) return { adopted: await stateOf(await current(toStart.threadId, first)) };
        const stream = await extend({ ...run, assistantId: toStart.assistantId, additionalInstructions: toStart.additionalInstructions }, null, undefined);
        if (stream !== 'lost') return { stream };
        if (deps.now() >= waitUntil) throw new Error('Another delivery is starting this run; the queue retries the message.');
        await new Promise((resolve) => setTimeout(resolve, START_LOOK_MS));
      }
    },

    async retrieve(threadId, upstreamRunId) {
      return { state: await stateOf(await current(threadId, upstreamRunId)) };
    },

    async resume(threadId, upstreamRunId) {
      const now = await current(threadId, upstreamRunId);
      const state = await stateOf(now);
      const cursor = now.run?.streamCursor;
      // Streamed on only from where a follower of this very response stopped (else the worker polls): never a
      // replay, and never while a claimed continuation is being created (state in_progress, response completed).
      if (isDecisive(state.status) || !now.run || state.status !== now.response.status || cursor?.responseId !== state.id) return { state };
      const source = await client.responses.retrieve(state.id, { stream: true, starting_after: cursor.sequence });
      return { state, stream: responseUpdates(deps, source, { threadId, runId: now.run.runId, link: false }) };
    },

    async submitToolOutputs(threadId, upstreamRunId, outputs) {
      const now = await current(threadId, upstreamRunId);
      // Expired (app-enforced), already answered, or not waiting at all: no outputs are taken.
      if (!now.run || now.response.id !== upstreamRunId || responseState(now.response, deps.now(), deps.actionTimeoutMs).status !== 'requires_action') return null;
      const input = outputs.map((output) => ({ type: 'function_call_output' as const, call_id: output.tool_call_id, output: output.output }));
      const stream = await extend(now.run, upstreamRunId, input);
      return stream === 'lost' ? null : stream;
    },

    async cancel(threadId, upstreamRunId) {
      const { response } = await current(threadId, upstreamRunId);
      // A response waiting on tool outputs has ended upstream: the worker makes the cancel win (cancelRequested).
      if (response.status === 'queued' || response.status === 'in_progress') await client.responses.cancel(response.id);
    },

    async runMessages(threadId, upstreamRunId) {
      const { response, run } = await current(threadId, upstreamRunId);
      const chain = run?.upstreamRunIds?.length ? run.upstreamRunIds : [response.id];
      const responses = await Promise.all(chain.map((id) => (id === response.id ? response : ended.retrieve(id))));
      return responses.flatMap((r) =>
        r.output.filter(isChatMessage).map((item) => toAssistantsMessage(item, { threadId, createdAt: r.created_at, runId: run?.runId, located: bindings.locate })),
      );
    },

    async file(fileId) {
      const containerFileId = containerFileIdOf(fileId);
      if (!containerFileId) {
        const file = await client.files.retrieve(fileId);
        return { filename: file.filename, bytes: file.bytes };
      }
      const containerId = bindings.containerOf(fileId);
      if (!containerId) throw new Error(`No container is known for ${fileId}.`);
      const file = await client.containers.files.retrieve(containerFileId, { container_id: containerId });
      return { filename: file.path.split('/').pop() ?? file.path, bytes: file.bytes, containerId };
    },
  };
}

/** The output an abandoned call gets, so the conversation can go on. */
const ABANDONED_OUTPUT = JSON.stringify({ error: 'run_ended', message: 'The run that made this call ended before the call had an output; it was not answered.' });

/** `function_call_output` items for the conversation's calls that have none (and that `input` does not answer). */
async function abandonedCallOutputs(client: OpenAI, conversationId: string, input: OpenAI.Responses.ResponseInput | undefined): Promise<OpenAI.Responses.ResponseInputItem.FunctionCallOutput[]> {
  const calls = new Set<string>();
  const answered = new Set((input ?? []).flatMap((item) => ('type' in item && item.type === 'function_call_output' ? [item.call_id] : [])));
  for await (const item of client.conversations.items.list(conversationId, { order: 'asc', limit: 100 })) {
    if (item.type === 'function_call') calls.add(item.call_id);
    if (item.type === 'function_call_output') answered.add(item.call_id);
  }
  return [...calls].filter((id) => !answered.has(id)).map((call_id) => ({ type: 'function_call_output', call_id, output: ABANDONED_OUTPUT }));
}
