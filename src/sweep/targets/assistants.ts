// Assistants: ours carry metadata app_deployment = DEPLOYMENT_ID (written by the assistants-as-code
// sync). Ours go when their app_key is no longer defined, and older copies of a defined key go after
// a grace period; the copy the resolver uses (newest per key, as src/assistants decides) stays.
import { groupOurAssistants, tagOf } from '../../assistants/upstream-tags';
import type { SweepContext } from '../context';
import { forEachConcurrently } from '../concurrency';
import { decideAssistant } from '../policies';
import { deleteUnlessGone } from '../upstream-calls';
import { METADATA_KEYS } from '../../runs/run-facts';

export async function sweepAssistants(ctx: SweepContext): Promise<void> {
  const all = await ctx.assistants();
  const { byKey } = groupOurAssistants(all, ctx.config.DEPLOYMENT_ID);
  await forEachConcurrently(all, ctx.concurrency, async (assistant) => {
    ctx.summary.examined('assistants');
    const key = tagOf(assistant, METADATA_KEYS.assistantKey);
    const newest = key ? byKey.get(key) : undefined;
    const verdict = decideAssistant(
      {
        deployment: tagOf(assistant, METADATA_KEYS.deployment),
        key,
        isNewestOfKey: newest?.id === assistant.id,
        newestCreatedAtMs: newest && newest.created_at * 1000,
      },
      ctx.config.DEPLOYMENT_ID,
      ctx.definedKeys,
      ctx.now(),
    );
    if (verdict.action === 'skip') return ctx.summary.skipped('assistants', verdict.reason);
    if (!ctx.mayDelete('assistants')) return;
    try {
      if (!ctx.dryRun) {
        const outcome = await deleteUnlessGone(() => ctx.client.beta.assistants.delete(assistant.id, ctx.requestOptions));
        ctx.logger.info('sweep: deleted assistant', { assistantId: assistant.id, key, reason: verdict.reason, outcome });
      }
      ctx.doomed.assistants.add(assistant.id);
      ctx.summary.deleted('assistants', assistant.id);
    } catch (error) {
      ctx.logger.warn('sweep: assistant not deleted', { assistantId: assistant.id, error });
      ctx.summary.failed('assistants', assistant.id, error);
    }
  });
}
