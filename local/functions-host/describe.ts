// The startup banner: one line per function (HTTP methods and URL, queue, schedule) and the readiness line
// launchers wait for.
import type { FunctionSummary } from './triggers';

export const READY_LINE_PREFIX = 'Functions host listening on ';

export function describeFunctions(functions: FunctionSummary[], url: string): string[] {
  if (functions.length === 0) return ['No functions registered.'];
  return [
    'Functions:',
    ...functions.map((f) => {
      if (f.trigger === 'httpTrigger') return `  ${f.name}: [${f.methods!.join(',')}] ${url}/${f.route}`;
      if (f.trigger === 'queueTrigger') return `  ${f.name}: queueTrigger (queue: ${f.queueName})`;
      return `  ${f.name}: timerTrigger (schedule: ${f.schedule})`;
    }),
  ];
}
