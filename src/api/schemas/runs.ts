// Runs: one assistant turn. Server tools run in the worker; client tools surface as required_action.
import { z } from 'zod';
import { RUN_STATUSES } from '../../runs/run-facts';
import { MessageId, RunId, StepId, ThreadId, ToolCallId } from './ids';
import { OrderedPageQuery, PageQuery, UnixSeconds, listOf } from './common';
import { Message } from './messages';

import { MAX_TOOL_OUTPUT_CHARS } from '../../store/ledger/limits';
import { MAX_DENIAL_REASON_CHARS } from '../../runs/tool-approvals';

export { MAX_TOOL_OUTPUT_CHARS };
export const MAX_TOOL_OUTPUTS = 128;

export const RunStatus = z.enum(RUN_STATUSES).meta({ id: 'RunStatus' });

export const RunParams = z.object({ threadId: ThreadId, runId: RunId });
export const ListRunsQuery = PageQuery;
export const ListStepsQuery = OrderedPageQuery;

export const ToolCall = z
  .object({
    id: ToolCallId,
    name: z.string(),
    arguments: z.string().meta({ description: 'JSON-encoded arguments as the model produced them.' }),
    status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']),
    output: z.string().nullable(),
    owner: z.enum(['server', 'client']).meta({ description: 'server: this backend runs the tool; client: the caller must submit its output.' }),
    approval: z
      .enum(['pending', 'approved', 'denied'])
      .nullable()
      .meta({ description: "For server tools whose assistant requires approval: pending until the run's owner decides (POST …/tool_approvals); null for tools that need none." }),
  })
  .meta({ id: 'ToolCall' });

export const PendingApproval = z
  .object({ id: ToolCallId, name: z.string(), arguments: z.string() })
  .meta({ id: 'PendingApproval', description: 'A server tool call waiting for the run owner to approve or deny it.' });

export const RequiredAction = z
  .object({
    type: z.literal('submit_tool_outputs'),
    tool_calls: z.array(z.object({ id: ToolCallId, name: z.string(), arguments: z.string() })),
  })
  .meta({ id: 'RequiredAction', description: 'Client tool calls waiting for POST …/tool_outputs.' });

export const Usage = z
  .object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() })
  .meta({ id: 'Usage' });

export const Run = z
  .object({
    id: RunId,
    object: z.literal('thread.run'),
    thread_id: ThreadId,
    assistant: z.string().meta({ description: 'Assistant key the run was started for (may be `auto`).' }),
    status: RunStatus,
    created_at: UnixSeconds,
    started_at: UnixSeconds.nullable(),
    completed_at: UnixSeconds.nullable(),
    expires_at: UnixSeconds.nullable(),
    last_error: z.object({ code: z.string(), message: z.string() }).nullable(),
    usage: Usage.nullable(),
    tool_calls: z.array(ToolCall),
    required_action: RequiredAction.nullable(),
    pending_approvals: z.array(PendingApproval).meta({ description: 'Server tool calls the run waits to have approved or denied (POST …/tool_approvals); empty otherwise.' }),
    routed_to: z.string().nullable().meta({ description: 'Assistant key `auto` routed this run to.' }),
  })
  .meta({ id: 'Run' });

export const RunList = listOf(Run, 'RunList');

/** What POST …/messages answers with 202 while the run is still going. */
export const RunRef = z.object({ id: RunId, status: RunStatus }).meta({ id: 'RunRef' });

export const MessageAccepted = z
  .object({ run: RunRef, message_id: MessageId })
  .meta({ id: 'MessageAccepted', description: 'The run started; follow it at the Location URL or its events stream.' });

export const MessageCompleted = z
  .object({ run: Run, reply: z.array(Message) })
  .meta({ id: 'MessageCompleted', description: 'The run finished within `wait`: the run and the messages it wrote.' });

export const RunStep = z
  .object({
    id: StepId,
    object: z.literal('thread.run.step'),
    run_id: RunId,
    type: z.enum(['message_creation', 'tool_calls']),
    status: z.enum(['in_progress', 'cancelled', 'failed', 'completed', 'expired']),
    created_at: UnixSeconds,
    completed_at: UnixSeconds.nullable(),
    message_id: MessageId.nullable(),
    tool_calls: z.array(z.object({ id: z.string(), type: z.enum(['function', 'code_interpreter', 'file_search']), name: z.string().nullable() })),
  })
  .meta({ id: 'RunStep', description: 'Summary of one run step.' });

export const RunStepList = listOf(RunStep, 'RunStepList');

export const ToolOutputsBody = z
  .strictObject({
    tool_outputs: z
      .array(z.strictObject({ tool_call_id: ToolCallId, output: z.string().max(MAX_TOOL_OUTPUT_CHARS) }))
      .min(1)
      .max(MAX_TOOL_OUTPUTS)
      .refine((outputs) => new Set(outputs.map((o) => o.tool_call_id)).size === outputs.length, { message: 'each tool_call_id may appear once' }),
  })
  .meta({ id: 'ToolOutputsRequest' });

export const ToolApprovalsBody = z
  .strictObject({
    approvals: z
      .array(
        z.strictObject({
          tool_call_id: ToolCallId,
          approve: z.boolean(),
          reason: z.string().max(MAX_DENIAL_REASON_CHARS).optional().meta({ description: 'With a denial: why (the model reads it).' }),
        }),
      )
      .min(1)
      .max(MAX_TOOL_OUTPUTS)
      .refine((approvals) => new Set(approvals.map((a) => a.tool_call_id)).size === approvals.length, { message: 'each tool_call_id may appear once' }),
  })
  .meta({ id: 'ToolApprovalsRequest' });

/** SSE resumption: the header a browser's EventSource sends, or a query parameter for clients that cannot set headers. */
/** Event ids are the run's event sequence numbers. */
const EventId = z.string().regex(/^\d{1,12}$/, 'an event id (a whole number) from this stream');
export const RunEventsQuery = z.object({ last_event_id: EventId.optional().meta({ description: 'Resume after this event id (same as the Last-Event-ID header).' }) });
export const RunEventsHeaders = z.object({ 'last-event-id': EventId.optional().meta({ description: 'Resume after this event id.' }) });

export type RunResource = z.input<typeof Run>;
export type RunListResource = z.input<typeof RunList>;
export type RunStepListResource = z.input<typeof RunStepList>;
export type MessageAcceptedResource = z.input<typeof MessageAccepted>;
export type MessageCompletedResource = z.input<typeof MessageCompleted>;
export type ToolOutputsRequest = z.output<typeof ToolOutputsBody>;
