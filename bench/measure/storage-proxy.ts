// A counting HTTP proxy in front of Azurite: one port per service (blob, queue, table), every request
// forwarded unchanged and counted by service, so the host's storage transactions can be read off.
// The host is given the proxy's connection string; the benchmark's own ledger reads go to Azurite directly.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningAzurite } from '../../local/azurite';

export type StorageService = 'blob' | 'queue' | 'table';
export type StorageCounts = Record<StorageService, number>;

export interface StorageProxy {
  /** A RunningAzurite whose endpoints are the proxy's; close() stops the proxy and then Azurite. */
  azurite: RunningAzurite;
  counts(): StorageCounts;
  /** Counts by "service METHOD resource", e.g. "table POST ledgerRunEvents". */
  detail(): Record<string, number>;
  /** Requests the proxy could not forward (answered 502), by error code. */
  errors(): Record<string, number>;
}

const ACCOUNT_KEY_PATTERN = /AccountKey=([^;]+);/;

export async function startStorageProxy(target: RunningAzurite): Promise<StorageProxy> {
  const counts: StorageCounts = { blob: 0, queue: 0, table: 0 };
  const detail = new Map<string, number>();
  const errors = new Map<string, number>();
  const servers: http.Server[] = [];
  // No keep-alive towards Azurite: a reused socket that Azurite has just timed out fails the request, which
  // the host would see as a storage error the real service never gives it.
  const agent = new http.Agent({ keepAlive: false, maxSockets: 256 });

  const proxyFor = async (service: StorageService, upstream: string): Promise<string> => {
    const base = new URL(upstream);
    const server = http.createServer((req, res) => {
      counts[service]++;
      const resource = decodeURIComponent((req.url ?? '').split('?')[0]!.split('/')[2] ?? '').replace(/\(.*$/, '');
      const key = `${service} ${req.method} ${resource}`;
      detail.set(key, (detail.get(key) ?? 0) + 1);
      const forward = http.request(
        { host: base.hostname, port: base.port, method: req.method, path: req.url, headers: { ...req.headers, host: base.host }, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', (error: NodeJS.ErrnoException) => {
        errors.set(error.code ?? error.message, (errors.get(error.code ?? error.message) ?? 0) + 1);
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(forward);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${base.pathname}`;
  };

  const blobUrl = await proxyFor('blob', target.blobUrl);
  const queueUrl = await proxyFor('queue', target.queueUrl);
  const tableUrl = await proxyFor('table', target.tableUrl);
  const key = ACCOUNT_KEY_PATTERN.exec(target.connectionString)?.[1] ?? '';
  const account = new URL(target.blobUrl).pathname.split('/')[1];
  return {
    azurite: {
      blobUrl,
      queueUrl,
      tableUrl,
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${key};BlobEndpoint=${blobUrl};QueueEndpoint=${queueUrl};TableEndpoint=${tableUrl};`,
      close: async () => {
        for (const server of servers) {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }
        agent.destroy();
        await target.close();
      },
    },
    counts: () => ({ ...counts }),
    detail: () => Object.fromEntries(detail),
    errors: () => Object.fromEntries(errors),
  };
}

export function diffCounts(after: StorageCounts, before: StorageCounts): StorageCounts {
  return { blob: after.blob - before.blob, queue: after.queue - before.queue, table: after.table - before.table };
}
