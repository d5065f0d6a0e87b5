// Run steps of the Assistants adapter: the protocol's own steps, summarised for the API.
import type OpenAI from 'openai';
import type { RunStep } from 'openai/resources/beta/threads/runs/steps';
import type { RunStepSummary, UpstreamRunSteps } from '../port';

export function createAssistantsSteps(client: OpenAI): UpstreamRunSteps {
  return {
    async list(threadId, upstreamRunId, query) {
      const page = await client.beta.threads.runs.steps.list(upstreamRunId, { thread_id: threadId, limit: query.limit, order: query.order, ...(query.after ? { after: query.after } : {}) });
      return { data: page.data.map(summary), hasMore: page.hasNextPage() };
    },
  };
}

function summary(step: RunStep): RunStepSummary {
  const details = step.step_details;
  return {
    id: step.id,
    type: step.type,
    status: step.status,
    created_at: step.created_at,
    completed_at: step.completed_at,
    message_id: details.type === 'message_creation' ? details.message_creation.message_id : null,
    tool_calls: details.type === 'tool_calls' ? details.tool_calls.map((call) => ({ id: call.id, type: call.type, name: call.type === 'function' ? call.function.name : null })) : [],
  };
}
