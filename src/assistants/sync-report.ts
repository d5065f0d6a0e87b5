// Human-readable lines for a SyncReport (the CLI prints them; logs carry the structured form).
import type { SyncReport } from './sync';

export function formatSyncReport(report: SyncReport): string[] {
  const keys = [...Object.keys(report.map), ...report.removed.map((r) => r.key || '(no key)'), ...report.duplicates.map((d) => d.key)];
  const width = Math.max(...keys.map((k) => k.length), 3);
  const row = (action: string, key: string, id: string, note = '') => `${action.padEnd(10)} ${key.padEnd(width)}  ${id}${note}`;
  const lines: string[] = [];
  const actions: Array<[string, string[]]> = [
    ['created', report.created],
    ['updated', report.updated],
    ['unchanged', report.unchanged],
  ];
  for (const [action, list] of actions) for (const key of list) lines.push(row(action, key, report.map[key]?.assistantId ?? ''));
  for (const key of report.defined) lines.push(row('defined', key, `${report.map[key]?.fileIds.length ?? 0} data files`, '  (no upstream assistant: sent with every response)'));
  for (const r of report.removed) lines.push(row('removed', r.key || '(no key)', r.id, '  (no longer defined; left for cleanup)'));
  for (const d of report.duplicates) lines.push(row('duplicate', d.key, d.id, '  (older copy; left for cleanup)'));
  const files = (label: string, list: string[]) => `${label} ${list.length}${list.length ? ` (${list.join(', ')})` : ''}`;
  lines.push(`files: ${files('uploaded', report.filesUploaded)}; ${files('reused', report.filesReused)}`);
  lines.push(SUMMARY[report.protocol](report));
  return lines;
}

const SUMMARY: Record<SyncReport['protocol'], (report: SyncReport) => string> = {
  assistants: (r) =>
    `summary: ${r.created.length} created, ${r.updated.length} updated, ${r.unchanged.length} unchanged, ` + `${r.removed.length} removed, ${r.duplicates.length} duplicates`,
  responses: (r) => `summary: ${r.defined.length} defined, no assistants written (Responses protocol)`,
};
