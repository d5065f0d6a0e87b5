// Functions entry (package.json `main`, bundled to dist/main.js): validates settings, then registers every function.
import { app } from '@azure/functions';
import { getConfig } from './runtime';
import './functions/health';

// Fail at startup, naming every bad setting, rather than on the first request.
getConfig();
// SSE live updates stream their responses.
app.setup({ enableHttpStream: true });
