// Functions entry (package.json `main`, bundled to dist/main.js): validates settings, then registers every function.
// An invalid setting stops the app at startup with one message naming every offending setting.
import { app } from '@azure/functions';
import { logAuthPosture } from './api/auth/startup';
import { getConfig } from './runtime';
import { startTelemetry } from './telemetry';
import './functions/http-api';
import './functions/run-worker';
import './functions/run-poison';
import './functions/sweeper';
import './functions/sweep-worker';
import './functions/reconciler';
import './functions/web-page';

// Telemetry first: the Functions instrumentation must set its capability before the host finishes startup.
startTelemetry(getConfig());
// Says at startup which identity sources cloud mode trusts, and why a closed deployment answers 401.
logAuthPosture(getConfig());
// SSE live updates stream their responses.
app.setup({ enableHttpStream: true });
