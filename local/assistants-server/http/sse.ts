// Server-sent events on a Node response, framed like the service: `event: <name>` + `data: <json>`.
import type { ServerResponse } from 'node:http';
import type { EventChannel, RunEvent } from '../engine/events';

export function streamEvents(res: ServerResponse, channel: EventChannel, headers: Record<string, string>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
  res.flushHeaders();
  channel.attach((event: RunEvent) => {
    if (res.writableEnded || res.destroyed) return;
    if (event.end) return void res.end();
    const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
    res.write(`${event.event ? `event: ${event.event}\n` : ''}data: ${data}\n\n`);
    if (data === '[DONE]') res.end();
  });
}
