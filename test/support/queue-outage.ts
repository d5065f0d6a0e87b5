// Azurite with a switch in front of its queue service: while `down`, every queue request is answered 503
// ServerBusy (what the real service says under trouble), so the storage SDK retries with its backoff and a
// caller can be killed mid-send. Blob and table traffic goes straight to Azurite.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningAzurite } from '../../local/azurite';

export interface QueueOutage {
  /** The Azurite to hand the stack: its queue endpoint is the switch; close() stops the switch and Azurite. */
  azurite: RunningAzurite;
  down(): void;
  up(): void;
}

export async function withQueueOutageSwitch(target: RunningAzurite): Promise<QueueOutage> {
  let isDown = false;
  const base = new URL(target.queueUrl);
  const agent = new http.Agent({ keepAlive: false });
  const server = http.createServer((req, res) => {
    if (isDown) {
      req.resume();
      res.writeHead(503, { 'content-type': 'application/xml', 'x-ms-error-code': 'ServerBusy' }).end('<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>The server is busy.</Message></Error>');
      return;
    }
    const forward = http.request({ host: base.hostname, port: base.port, method: req.method, path: req.url, headers: { ...req.headers, host: base.host }, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const queueUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${base.pathname}`;
  return {
    azurite: {
      ...target,
      queueUrl,
      connectionString: target.connectionString.replace(`QueueEndpoint=${target.queueUrl};`, `QueueEndpoint=${queueUrl};`),
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        agent.destroy();
        await target.close();
      },
    },
    down: () => (isDown = true),
    up: () => (isDown = false),
  };
}
