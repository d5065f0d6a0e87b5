// `tsx local/mail-sink/cli.ts --port 7090 [--host 127.0.0.1] [--data .data/mail] [--signature s]`
import { parseArgs } from 'node:util';
import { startMailSink } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '7090' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string' },
    signature: { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a port number, not ${values.port}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const sink = await startMailSink({
    port,
    host: values.host,
    dataDir: values.data,
    signature: values.signature,
    onMail: (email) => console.log(`Received email ${email.id} to ${email.to}: ${email.subject}`),
  });
  console.log(`Mail sink listening on ${sink.url}${values.data ? ` (emails saved in ${values.data})` : ''}`);
  // A local, dev-only signature: printing it is how developers configure EMAIL_LOGIC_APP_URL.
  console.log(`Logic App URL: ${sink.logicAppUrl}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      sink.close().finally(() => process.exit(0));
    });
  }
}

// The package is CommonJS, so no top-level await.
main().catch((error: unknown) => {
  console.error(`Mail sink failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
