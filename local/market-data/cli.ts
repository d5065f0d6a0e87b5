// `tsx local/market-data/cli.ts --port 7095 --key local-key [--credits-per-minute 8] [--legacy-status]`
// A Twelve Data-shaped Quote server for local runs: STOCK_PRICE_PROVIDER=twelvedata,
// STOCK_PRICE_URL=http://127.0.0.1:7095, STOCK_PRICE_API_KEY=local-key.
import { parseArgs } from 'node:util';
import { startMarketDataServer } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '7095' },
    host: { type: 'string', default: '127.0.0.1' },
    key: { type: 'string', default: 'local-market-data-key' },
    'credits-per-minute': { type: 'string' },
    'legacy-status': { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const credits = values['credits-per-minute'] === undefined ? undefined : Number(values['credits-per-minute']);
  const server = await startMarketDataServer({
    apiKey: values.key,
    port: Number(values.port),
    host: values.host,
    legacyStatus: values['legacy-status'],
    ...(credits === undefined ? {} : { creditsPerMinute: credits }),
  });
  // A local, dev-only key: printing it is how developers configure STOCK_PRICE_API_KEY.
  console.log(`Market-data (Twelve Data-shaped) server on ${server.url}; STOCK_PRICE_API_KEY=${values.key}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close().finally(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(`Market-data server failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
