// A minimal Server-Sent Events reader for the API's run event stream: each event with the time it arrived.
export interface ReceivedEvent {
  id?: string;
  event: string;
  data: unknown;
  receivedMs: number;
}

/** Parses complete `\n\n`-terminated frames off `buffer`; returns the events and the unparsed rest. */
export function parseFrames(buffer: string): { events: Array<Omit<ReceivedEvent, 'receivedMs'>>; rest: string } {
  const events: Array<Omit<ReceivedEvent, 'receivedMs'>> = [];
  const frames = buffer.split('\n\n');
  const rest = frames.pop() ?? '';
  for (const frame of frames) {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) continue; // comments, retry:
    const text = data.join('\n');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the raw text
    }
    events.push({ id, event, data: parsed });
  }
  return { events, rest };
}

/** Reads the stream at `url` until it ends or an event named `done` arrives. */
export async function readEvents(url: string, headers: Record<string, string>, onEvent: (event: ReceivedEvent) => Promise<void> | void): Promise<void> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
  if (!response.ok || !response.body) throw new Error(`GET ${url} answered ${response.status}`);
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const receivedMs = Date.now();
      const parsed = parseFrames(buffer + decoder.decode(value, { stream: true }));
      buffer = parsed.rest;
      for (const event of parsed.events) {
        await onEvent({ ...event, receivedMs });
        if (event.event === 'done') return;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
