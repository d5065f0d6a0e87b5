// Mirrors what the upstream run says into the ledger, and announces status changes as run events.
import type { Run } from 'openai/resources/beta/threads/runs/runs';
import type { RunDeps, RunPatch, RunRecordView } from './ports';

export async function recordUpstreamRun(deps: RunDeps, run: RunRecordView, upstream: Run): Promise<RunRecordView> {
  const patch: RunPatch = {};
  if (run.upstreamRunId !== upstream.id) patch.upstreamRunId = upstream.id;
  if (upstream.expires_at && run.expiresAt !== upstream.expires_at * 1000) patch.expiresAt = upstream.expires_at * 1000;
  if (run.status !== upstream.status) patch.status = upstream.status;
  if (upstream.usage && !run.usage) patch.usage = upstream.usage;
  if (upstream.last_error && !run.lastError) patch.lastError = { code: upstream.last_error.code, message: upstream.last_error.message };
  if (Object.keys(patch).length === 0) return run;
  const updated = await deps.ledger.updateRun(run.threadId, run.runId, patch);
  if (patch.status && updated.status === patch.status) {
    await deps.ledger.appendRunEvent(run.runId, { type: 'run.status', data: { status: upstream.status, last_error: patch.lastError ?? null }, at: deps.now() });
  }
  return updated;
}

/** Records the run's end, frees the thread for its next run, and marks the thread active. */
export async function finalizeRun(
  deps: RunDeps,
  run: RunRecordView,
  outcome: Pick<Run, 'status'> & Partial<Pick<Run, 'usage' | 'last_error' | 'incomplete_details'>>,
  lastError?: { code: string; message: string },
): Promise<RunRecordView> {
  const error = lastError ?? (outcome.last_error ? { code: outcome.last_error.code, message: outcome.last_error.message } : undefined);
  const updated = await deps.ledger.updateRun(run.threadId, run.runId, {
    status: outcome.status,
    completedAt: deps.now(),
    ...(outcome.usage ? { usage: outcome.usage } : {}),
    ...(error ? { lastError: error } : {}),
  });
  if (run.status !== outcome.status) {
    await deps.ledger.appendRunEvent(run.runId, { type: 'run.status', data: { status: outcome.status, last_error: error ?? null }, at: deps.now() });
  }
  await deps.ledger.setActiveRun(run.threadId, null, { expectRunId: run.runId });
  await deps.ledger.touchThread(run.threadId, deps.now());
  return updated;
}
