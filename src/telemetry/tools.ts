// The tool registry, traced: each execution is a GenAI `execute_tool` span with the call's ids, and counts
// toward the tool-call metrics by tool and outcome. Arguments and outputs are never recorded (they hold user
// text and email content).
import { SpanStatusCode } from '@opentelemetry/api';
import type { ToolRegistry } from '../tools';
import { ATTR } from './attributes';
import { instruments } from './instruments';
import { inSpan } from './spans';

export function tracedTools(registry: ToolRegistry): ToolRegistry {
  return {
    ...registry,
    execute: (call, ctx) =>
      inSpan(
        `execute_tool ${call.name}`,
        {
          attributes: {
            [ATTR.genAiOperation]: 'execute_tool',
            [ATTR.genAiToolName]: call.name,
            [ATTR.genAiToolCallId]: call.id,
            [ATTR.threadId]: ctx.threadId,
            [ATTR.runId]: ctx.runId,
          },
        },
        async (span) => {
          const outcome = await registry.execute(call, ctx);
          span.setAttribute(ATTR.toolOutcome, outcome.status);
          if (outcome.status !== 'succeeded') span.setAttributes({ [ATTR.errorType]: outcome.status }).setStatus({ code: SpanStatusCode.ERROR });
          const attributes = { [ATTR.genAiToolName]: call.name, [ATTR.toolOutcome]: outcome.status };
          instruments().toolCalls.add(1, attributes);
          instruments().toolDuration.record(outcome.durationMs / 1000, attributes);
          return outcome;
        },
      ),
  };
}
