import { app } from '@azure/functions';

app.http('health', {
  route: 'health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async () => ({ status: 200, jsonBody: { status: 'ok' } }),
});
