// Ledger records and upstream objects → the API's resources (src/api/schemas). Times become
// Unix seconds like the Assistants protocol; upstream ids of runs become ours.
import type { HttpRequest } from '@azure/functions';
import { OTHER_ROUTE } from '../copilot/constants';
import { RESERVED_METADATA_PREFIX } from '../runs/run-facts';
import type { RunRecord, ThreadRecord, ToolCallRecord } from '../store/ledger';
import type { AttributedMessage } from '../upstream/port';
import { apiUrl } from './results';
import type { MessageResource } from './schemas/messages';
import type { RunResource } from './schemas/runs';
import type { ThreadResource } from './schemas/threads';

const seconds = (ms: number | undefined | null) => (ms ? Math.floor(ms / 1000) : null);

export function threadView(thread: ThreadRecord, defaultAssistant: string): ThreadResource {
  return {
    id: thread.threadId,
    object: 'thread',
    created_at: Math.floor(thread.createdAt / 1000),
    assistant: thread.assistantKey ?? defaultAssistant,
    metadata: thread.metadata ?? {},
  };
}

const TOOL_STATUS: Record<ToolCallRecord['status'], RunResource['tool_calls'][number]['status']> = {
  claimed: 'running',
  awaiting_client: 'pending',
  awaiting_approval: 'pending',
  approved: 'pending',
  denied: 'cancelled',
  succeeded: 'completed',
  client_submitted: 'completed',
  invalid_arguments: 'failed',
  failed: 'failed',
  timed_out: 'failed',
  unknown_outcome: 'failed',
};

/** Where a call stands on approval; calls of tools that need none have no approval state (null). */
function approvalOf(call: ToolCallRecord): 'pending' | 'approved' | 'denied' | null {
  if (call.status === 'awaiting_approval') return 'pending';
  if (call.status === 'denied') return 'denied';
  return call.approvedAt === undefined ? null : 'approved';
}

export function runView(run: RunRecord, toolCalls: ToolCallRecord[]): RunResource {
  const pendingClient = toolCalls.filter((call) => call.status === 'awaiting_client');
  const pendingApproval = toolCalls.filter((call) => call.status === 'awaiting_approval');
  return {
    id: run.runId,
    object: 'thread.run',
    thread_id: run.threadId,
    assistant: run.assistantKey,
    status: run.status,
    created_at: Math.floor(run.createdAt / 1000),
    started_at: seconds(run.statusHistory.find((change) => change.status === 'in_progress')?.at),
    completed_at: seconds(run.completedAt),
    expires_at: seconds(run.expiresAt),
    last_error: run.lastError ?? null,
    usage: run.usage ?? null,
    tool_calls: toolCalls.map((call) => ({
      id: call.toolCallId,
      name: call.name,
      arguments: call.arguments,
      status: TOOL_STATUS[call.status],
      output: call.status === 'awaiting_client' || call.output === undefined ? null : call.output,
      owner: call.owner,
      approval: approvalOf(call),
    })),
    pending_approvals: run.status === 'requires_action' ? pendingApproval.map((call) => ({ id: call.toolCallId, name: call.name, arguments: call.arguments })) : [],
    required_action:
      run.status === 'requires_action' && pendingClient.length
        ? { type: 'submit_tool_outputs', tool_calls: pendingClient.map((call) => ({ id: call.toolCallId, name: call.name, arguments: call.arguments })) }
        : null,
    routed_to: run.routedTo ?? null,
  };
}

/** What a message's view needs of its run. */
export type MessageRun = Pick<RunRecord, 'assistantKey' | 'routedTo'>;

/**
 * The assistant that wrote a message, from its run's record (the same on every protocol): the assistant `auto`
 * routed to, or the run's own; none for user messages and for a direct answer (`other`, no assistant).
 */
function writtenBy(role: string, run: MessageRun | undefined): string | null {
  if (role !== 'assistant' || !run || run.routedTo === OTHER_ROUTE) return null;
  return run.routedTo ?? run.assistantKey;
}

/** `runs`: the thread's runs the ledger knows, by our run id (the adapter attributed the message to one of them). */
export function messageView({ message, runId }: AttributedMessage, request: HttpRequest, runs: ReadonlyMap<string, MessageRun>): MessageResource {
  const fileUrl = (fileId: string) => apiUrl(request, `/files/${encodeURIComponent(fileId)}/content`);
  return {
    id: message.id,
    object: 'thread.message',
    thread_id: message.thread_id,
    run_id: runId,
    role: message.role,
    assistant: writtenBy(message.role, runId ? runs.get(runId) : undefined),
    status: message.status,
    created_at: message.created_at,
    content: message.content.flatMap((part): MessageResource['content'] => {
      switch (part.type) {
        case 'text':
          return [
            {
              type: 'text',
              text: {
                value: part.text.value,
                annotations: part.text.annotations.map((a) =>
                  a.type === 'file_path'
                    ? { type: 'file_path' as const, text: a.text, start_index: a.start_index, end_index: a.end_index, file_path: { file_id: a.file_path.file_id }, url: fileUrl(a.file_path.file_id) }
                    : { type: 'file_citation' as const, text: a.text, start_index: a.start_index, end_index: a.end_index, file_citation: { file_id: a.file_citation.file_id } },
                ),
              },
            },
          ];
        case 'image_file':
          return [{ type: 'image_file', image_file: { file_id: part.image_file.file_id, url: fileUrl(part.image_file.file_id) } }];
        case 'image_url':
          return [{ type: 'image_url', image_url: { url: part.image_url.url } }];
        case 'refusal':
          return [{ type: 'refusal', refusal: part.refusal }];
        default:
          return [];
      }
    }),
    attachments: (message.attachments ?? []).flatMap((a) =>
      a.file_id ? [{ file_id: a.file_id, tools: (a.tools ?? []).map((t) => ({ type: t.type === 'file_search' ? ('file_search' as const) : ('code_interpreter' as const) })) }] : [],
    ),
    metadata: Object.fromEntries(Object.entries((message.metadata ?? {}) as Record<string, string>).filter(([key]) => !key.startsWith(RESERVED_METADATA_PREFIX))),
  };
}
