// Ledger records and upstream objects → the API's resources (src/api/schemas). Times become
// Unix seconds like the Assistants protocol; upstream ids of runs become ours.
import type { HttpRequest } from '@azure/functions';
import type { Message } from 'openai/resources/beta/threads/messages';
import { METADATA_KEYS, RESERVED_METADATA_PREFIX } from '../runs/run-facts';
import type { RunRecord, ThreadRecord, ToolCallRecord } from '../store/ledger';
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

/** `runIds` maps upstream run ids to ours; `assistantKeys` upstream assistant ids to keys. */
export function messageView(message: Message, request: HttpRequest, runIds: Map<string, string>, assistantKeys: Map<string, string>): MessageResource {
  const fileUrl = (fileId: string) => apiUrl(request, `/files/${encodeURIComponent(fileId)}/content`);
  return {
    id: message.id,
    object: 'thread.message',
    thread_id: message.thread_id,
    run_id: message.run_id ? (runIds.get(message.run_id) ?? null) : (message.metadata as Record<string, string> | null)?.[METADATA_KEYS.runId] ?? null,
    role: message.role,
    assistant: message.assistant_id ? (assistantKeys.get(message.assistant_id) ?? null) : null,
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
