// Client-side tools: calls the backend never runs. The run waits in requires_action until the page
// answers with POST …/tool_outputs. confirm_choice (assistants/default.json) asks the user to pick
// one of a few options; any other client tool gets a small JSON form.
import { h } from './dom';

export interface PendingCall {
  id: string;
  name: string;
  arguments: string;
}

const SUGGESTED: Record<string, string> = {
  get_user_location: '{"city": "Lisbon", "country": "Portugal"}',
};

function parseArgs(json: string): Record<string, unknown> {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A form for one pending call; `answer` receives the tool output (a string, usually JSON). */
export function clientToolForm(call: PendingCall, answer: (output: string) => void): HTMLElement {
  const legendId = `legend-${call.id}`;
  if (call.name === 'confirm_choice') {
    const args = parseArgs(call.arguments);
    const question = typeof args['question'] === 'string' ? args['question'] : 'Please choose:';
    const options = Array.isArray(args['options']) && args['options'].length ? args['options'].map(String) : ['Yes', 'No'];
    return h(
      'fieldset',
      { class: 'client-tool', dataset: { toolCallId: call.id, toolName: call.name }, 'aria-labelledby': legendId },
      h('legend', { id: legendId }, `The assistant asks: ${question}`),
      h('div', { class: 'choices' }, ...options.map((option) => h('button', { type: 'button', class: 'choice', onclick: () => answer(JSON.stringify({ choice: option })) }, option))),
    );
  }
  const inputId = `output-${call.id}`;
  const textarea = h('textarea', { id: inputId, rows: 3, class: 'mono' });
  textarea.value = SUGGESTED[call.name] ?? '{}';
  return h(
    'form',
    {
      class: 'client-tool',
      dataset: { toolCallId: call.id, toolName: call.name },
      'aria-labelledby': legendId,
      onsubmit: (event: Event) => {
        event.preventDefault();
        answer(textarea.value);
      },
    },
    h('p', { id: legendId }, 'The assistant asks this page to run ', h('code', {}, call.name), ` with ${call.arguments || '{}'}.`),
    h('label', { for: inputId }, `Output of ${call.name}`),
    textarea,
    h('button', { type: 'submit' }, 'Send output'),
  );
}

/**
 * Asks the user to approve or deny one server tool call (an assistant marks such tools `approval: required`).
 * `decide` receives the decision, with an optional reason for a denial.
 */
export function approvalForm(call: PendingCall, decide: (approve: boolean, reason?: string) => void): HTMLElement {
  const legendId = `approve-${call.id}`;
  const reasonId = `reason-${call.id}`;
  const reason = h('input', { id: reasonId, type: 'text', maxlength: 1000, placeholder: 'Optional: why not?' });
  return h(
    'fieldset',
    { class: 'client-tool approval', dataset: { toolCallId: call.id, toolName: call.name }, 'aria-labelledby': legendId },
    h('legend', { id: legendId }, 'The assistant wants to run ', h('code', {}, call.name)),
    h('pre', { class: 'mono approval-arguments' }, prettyJson(call.arguments)),
    h('label', { for: reasonId }, 'Reason for denying'),
    reason,
    h(
      'div',
      { class: 'choices' },
      h('button', { type: 'button', class: 'choice', onclick: () => decide(true) }, 'Approve'),
      h('button', { type: 'button', class: 'choice', onclick: () => decide(false, reason.value.trim() || undefined) }, 'Deny'),
    ),
  );
}

function prettyJson(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}
