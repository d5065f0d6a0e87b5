// `tsx local/assistants-server/cli.ts --port 7080 [--data .data/assistants] [--host 127.0.0.1] [--max-file-bytes N]`
// The chat-completions bridge is chosen by ASSISTANTS_SERVER_MODEL_URL (with _KEY and _MODEL).
import { parseArgs } from 'node:util';
import { startAssistantsServer } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7080' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      'max-file-bytes': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port: not a port number: ${values.port}`);
  const modelUrl = process.env.ASSISTANTS_SERVER_MODEL_URL || undefined;
  const server = await startAssistantsServer({
    port,
    host: values.host,
    dataDir: values.data,
    maxFileBytes: values['max-file-bytes'] ? Number(values['max-file-bytes']) : undefined,
    model: modelUrl ? 'chat-completions' : 'scripted',
    modelUrl,
    modelKey: process.env.ASSISTANTS_SERVER_MODEL_KEY || undefined,
    modelName: process.env.ASSISTANTS_SERVER_MODEL || undefined,
  });
  console.log(`Assistants API server listening on ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
