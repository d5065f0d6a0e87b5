// A small calendar MCP server for local runs and tests, built with the same SDK the app's client uses, over
// streamable HTTP (stateful sessions, so tools/list_changed reaches clients on their event stream).
// Tools: list_events and find_free_slot (read), create_event (acting: no dedupe of its own, so tests can count
// how many times it really ran). Admin routes beside /mcp:
//   GET  /_admin/stats            calls per tool, the events created
//   POST /_admin/faults {tool, mode: "error" | "hang"}   isError answers, or calls that run and never answer
//   DELETE /_admin/faults         clears them
//   POST /_admin/down {seconds}   stops listening (connections refused) for that long, then listens again
//   POST /_admin/extra-tool {enabled}  adds/removes the tool cancel_event (clients get tools/list_changed)
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer, type RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export type McpFault = 'error' | 'hang';
export const CALENDAR_TOOLS = ['list_events', 'find_free_slot', 'create_event', 'cancel_event'] as const;
export type CalendarTool = (typeof CALENDAR_TOOLS)[number];

export interface CalendarEvent {
  id: string;
  title: string;
  start: string;
  durationMinutes: number;
  attendees: string[];
}

export interface McpServerOptions {
  port?: number;
  host?: string;
  /** When set, every /mcp request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Called as a tool starts running (after it counted), e.g. to kill the app's host mid-call. */
  onCall?: (tool: CalendarTool, args: Record<string, unknown>) => void;
}

export interface McpStats {
  calls: Record<CalendarTool, number>;
  /** Calls the client cancelled (notifications/cancelled), by the reason it gave. */
  cancelled: string[];
  events: CalendarEvent[];
  sessions: number;
}

export interface RunningMcpServer {
  /** The streamable HTTP endpoint: http://host:port/mcp */
  url: string;
  stats(): McpStats;
  setFault(tool: CalendarTool, mode: McpFault | undefined): void;
  /** Stops listening: new connections are refused and open ones are cut. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  setExtraTool(enabled: boolean): void;
  reset(): void;
  close(): Promise<void>;
}

const SEED: CalendarEvent[] = [
  { id: 'evt_standup', title: 'Team stand-up', start: '2026-12-02T09:00:00Z', durationMinutes: 15, attendees: ['team@example.com'] },
  { id: 'evt_review', title: 'Quarterly review', start: '2026-12-02T14:00:00Z', durationMinutes: 60, attendees: ['boss@example.com'] },
];

export async function startMcpServer(options: McpServerOptions = {}): Promise<RunningMcpServer> {
  const host = options.host ?? '127.0.0.1';
  let events: CalendarEvent[] = structuredClone(SEED);
  let calls = zeroCalls();
  /** The reasons of the calls the client cancelled, in order. */
  let cancelled: string[] = [];
  const faults = new Map<CalendarTool, McpFault>();
  let extraTool = false;
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; extra: RegisteredTool }>();
  /** Answers held by the `hang` fault, released on close. */
  const hanging = new Set<() => void>();

  /** Counts the call, applies a fault, then answers. */
  const run = async (tool: CalendarTool, args: Record<string, unknown>, signal: AbortSignal, answer: () => CallToolResult): Promise<CallToolResult> => {
    calls[tool]++;
    // notifications/cancelled from the client aborts the request's signal.
    signal.addEventListener('abort', () => void cancelled.push(String(signal.reason)), { once: true });
    options.onCall?.(tool, args);
    const fault = faults.get(tool);
    if (fault === 'error') return { isError: true, content: [{ type: 'text', text: `${tool} failed: the calendar backend is unavailable (injected fault)` }] };
    // The effect happens first: a call that hangs has taken effect without the client learning it.
    const result = answer();
    if (fault === 'hang') {
      await new Promise<void>((resolve) => {
        hanging.add(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    return result;
  };

  const newServer = (): { server: McpServer; extra: RegisteredTool } => {
    const server = new McpServer({ name: 'local-calendar', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
    server.registerTool(
      'list_events',
      { title: 'List events', description: 'Lists calendar events, optionally only those on one day (YYYY-MM-DD, UTC).', inputSchema: { date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }, annotations: { readOnlyHint: true } },
      async ({ date }, extra) =>
        run('list_events', { date }, extra.signal, () => {
          const found = events.filter((e) => !date || e.start.startsWith(date));
          return { content: [{ type: 'text', text: JSON.stringify(found) }], structuredContent: { events: found } };
        }),
    );
    server.registerTool(
      'find_free_slot',
      { title: 'Find a free slot', description: 'Finds the first free slot of the given length on a day (09:00-17:00 UTC).', inputSchema: { date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), durationMinutes: z.number().int().min(5).max(480) }, annotations: { readOnlyHint: true } },
      async ({ date, durationMinutes }, extra) =>
        run('find_free_slot', { date, durationMinutes }, extra.signal, () => {
          const slot = freeSlot(events, date, durationMinutes);
          return { content: [{ type: 'text', text: slot ? `Free from ${slot}` : 'No free slot that day.' }], structuredContent: { start: slot } };
        }),
    );
    server.registerTool(
      'create_event',
      {
        title: 'Create an event',
        description: 'Creates a calendar event and invites the attendees. Every call creates a new event.',
        inputSchema: { title: z.string().min(1).max(200), start: z.string().datetime(), durationMinutes: z.number().int().min(5).max(480).default(30), attendees: z.array(z.string().email()).default([]) },
        annotations: { readOnlyHint: false, idempotentHint: false },
      },
      async (args, extra) =>
        run('create_event', args, extra.signal, () => {
          const event: CalendarEvent = { id: `evt_${randomUUID().slice(0, 8)}`, title: args.title, start: args.start, durationMinutes: args.durationMinutes, attendees: args.attendees };
          events.push(event);
          return {
            content: [
              { type: 'text', text: `Created "${event.title}" at ${event.start} (${event.id}).` },
              { type: 'resource_link', uri: `calendar://events/${event.id}`, name: event.id, mimeType: 'application/json', description: event.title },
            ],
            structuredContent: { event },
          };
        }),
    );
    const extra = server.registerTool(
      'cancel_event',
      { title: 'Cancel an event', description: 'Cancels a calendar event by id.', inputSchema: { id: z.string() }, annotations: { destructiveHint: true } },
      async ({ id }, extra) =>
        run('cancel_event', { id }, extra.signal, () => {
          const before = events.length;
          events = events.filter((e) => e.id !== id);
          return { content: [{ type: 'text', text: before === events.length ? `No event ${id}.` : `Cancelled ${id}.` }] };
        }),
    );
    if (!extraTool) extra.disable();
    return { server, extra };
  };

  const handleMcp = async (req: IncomingMessage, res: ServerResponse) => {
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { error: 'unauthorized' });
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? sessions.get(id) : undefined;
    if (known) return known.transport.handleRequest(req, res, body);
    if (typeof id === 'string') return json(res, 404, { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
    if (req.method !== 'POST' || !isInitializeRequest(body)) return json(res, 400, { jsonrpc: '2.0', error: { code: -32000, message: 'No session: initialize first' }, id: null });
    const { server, extra } = newServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => void sessions.set(sessionId, { transport, extra }),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const handleAdmin = async (req: IncomingMessage, res: ServerResponse, route: string) => {
    if (req.method === 'GET' && route === '/_admin/stats') return json(res, 200, stats());
    if (req.method === 'POST' && route === '/_admin/faults') {
      const { tool, mode } = (await readJson(req)) as { tool: CalendarTool; mode?: McpFault };
      if (!CALENDAR_TOOLS.includes(tool)) return json(res, 400, { error: `unknown tool ${String(tool)}` });
      running.setFault(tool, mode);
      return json(res, 200, { faults: Object.fromEntries(faults) });
    }
    if (req.method === 'DELETE' && route === '/_admin/faults') {
      faults.clear();
      return json(res, 200, { faults: {} });
    }
    if (req.method === 'POST' && route === '/_admin/down') {
      const { seconds = 30 } = (await readJson(req)) as { seconds?: number };
      json(res, 202, { down_for_seconds: seconds });
      setTimeout(() => void running.down().then(() => setTimeout(() => void running.up(), seconds * 1000)), 50);
      return;
    }
    if (req.method === 'POST' && route === '/_admin/extra-tool') {
      running.setExtraTool(Boolean(((await readJson(req)) as { enabled?: boolean }).enabled));
      return json(res, 200, { extraTool });
    }
    if (req.method === 'POST' && route === '/_admin/reset') {
      running.reset();
      return json(res, 200, stats());
    }
    json(res, 404, { error: 'not found' });
  };

  const stats = (): McpStats => ({ calls: { ...calls }, cancelled: [...cancelled], events: structuredClone(events), sessions: sessions.size });

  const server = http.createServer((req, res) => {
    const route = new URL(req.url ?? '/', 'http://local').pathname;
    const handled = route === '/mcp' ? handleMcp(req, res) : route.startsWith('/_admin/') ? handleAdmin(req, res, route) : Promise.resolve(json(res, 404, { error: 'not found' }));
    handled.catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(error) });
    });
  });

  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  const port = await listen(options.port ?? 0);
  let listening = true;

  const stop = async () => {
    if (!listening) return;
    listening = false;
    for (const release of hanging) release();
    hanging.clear();
    await Promise.all([...sessions.values()].map(({ transport }) => transport.close().catch(() => undefined)));
    sessions.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };

  const running: RunningMcpServer = {
    url: `http://${host}:${port}/mcp`,
    stats,
    setFault(tool, mode) {
      if (mode) faults.set(tool, mode);
      else faults.delete(tool);
    },
    down: stop,
    async up() {
      if (listening) return;
      await listen(port);
      listening = true;
    },
    setExtraTool(enabled) {
      extraTool = enabled;
      // Enabling or disabling a registered tool sends notifications/tools/list_changed on its session.
      for (const { extra } of sessions.values()) {
        if (enabled) extra.enable();
        else extra.disable();
      }
    },
    reset() {
      events = structuredClone(SEED);
      calls = zeroCalls();
      cancelled = [];
      faults.clear();
    },
    close: stop,
  };
  return running;
}

function zeroCalls(): Record<CalendarTool, number> {
  return Object.fromEntries(CALENDAR_TOOLS.map((tool) => [tool, 0])) as Record<CalendarTool, number>;
}

/** The first start on `date` (09:00-17:00 UTC, on the half hour) where `minutes` overlap no event. */
function freeSlot(events: CalendarEvent[], date: string, minutes: number): string | undefined {
  const busy = events.filter((e) => e.start.startsWith(date)).map((e) => [Date.parse(e.start), Date.parse(e.start) + e.durationMinutes * 60_000] as const);
  for (let start = Date.parse(`${date}T09:00:00Z`); start + minutes * 60_000 <= Date.parse(`${date}T17:00:00Z`); start += 30 * 60_000) {
    const end = start + minutes * 60_000;
    if (busy.every(([from, to]) => end <= from || start >= to)) return new Date(start).toISOString();
  }
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
