// Health (each dependency probed, 503 when one is down) and the assistants this deployment offers.
import { checkHealth, originReachableProbe } from '../../health/check-health';
import { bindRoute } from '../route';
import { routeSpecs } from '../routes';
import { json } from '../results';
import type { GetDeps } from './deps';

export function systemRoutes(getDeps: GetDeps) {
  return [
    bindRoute(routeSpecs.health, async () => {
      const deps = await getDeps();
      const report = await checkHealth({
        storage: async () => {
          await deps.storage.queueService.getProperties();
          return 'up';
        },
        upstream: async (signal) => {
          await deps.upstream.beta.assistants.list({ limit: 1 }, { signal, maxRetries: 0 });
          return 'up';
        },
        email: originReachableProbe(deps.config.EMAIL_LOGIC_APP_URL),
      });
      return json(report.status === 'ok' ? 200 : 503, report);
    }),

    bindRoute(routeSpecs.listAssistants, async () => {
      const deps = await getDeps();
      const data = deps.definitions.map((definition) => ({
        key: definition.key,
        name: definition.name,
        description: definition.description ?? definition.intent ?? '',
        default: definition.key === deps.config.DEFAULT_ASSISTANT,
      }));
      return json(200, { data, auto: true });
    }),
  ];
}
