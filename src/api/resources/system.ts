// Health (each dependency probed, 503 when one is down) and the assistants this deployment offers.
import { checkHealth, marketDataProbe, mcpCheckName, mcpServerProbe, originReachableProbe, unlessUnresolved, upstreamProbe } from '../../health/check-health';
import { callerRoute, route } from '../route';
import { json } from '../results';
import { AssistantList } from '../schemas/assistants';
import { HealthReport } from '../schemas/system';

export const health = route(
  {
    name: 'health',
    method: 'GET',
    path: '/health',
    authLevel: 'anonymous',
    identity: 'none',
    summary: 'Health of the app and its dependencies',
    tags: ['system'],
    responses: { 200: { description: 'Every dependency is up or not configured.', schema: HealthReport }, 503: { description: 'A dependency is down.', schema: HealthReport } },
  },
  async ({ runtime }) => {
    const deps = await runtime();
    const report = await checkHealth({
      storage: async () => {
        await deps.storage.queueService.getProperties();
        return 'up';
      },
      upstream: upstreamProbe(deps.upstream, deps.config.provider),
      email: unlessUnresolved('EMAIL_LOGIC_APP_URL', deps.config.unresolvedKeyVaultReferences, originReachableProbe(deps.config.EMAIL_LOGIC_APP_URL)),
      market_data: unlessUnresolved('STOCK_PRICE_API_KEY', deps.config.unresolvedKeyVaultReferences, marketDataProbe(deps.config)),
      ...Object.fromEntries(deps.mcpServers.map((server) => [mcpCheckName(server.name), mcpServerProbe(server.health)])),
    });
    return json(report.status === 'ok' ? 200 : 503, report);
  },
);

export const listAssistants = callerRoute(
  {
    name: 'listAssistants',
    method: 'GET',
    path: '/assistants',
    summary: 'The assistants this deployment offers',
    tags: ['assistants'],
    responses: { 200: { description: 'Configured assistants.', schema: AssistantList } },
  },
  async ({ runtime }) => {
    const deps = await runtime();
    const data = deps.definitions.map((definition) => ({
      key: definition.key,
      name: definition.name,
      description: definition.description ?? definition.intent ?? '',
      default: definition.key === deps.config.DEFAULT_ASSISTANT,
    }));
    return json(200, { data, auto: true });
  },
);
