// Run events as the SSE stream carries them, and a channel that buffers them until a response is attached.

export interface RunEvent {
  event: string;
  data: unknown;
  /** Ends the stream without a frame of its own (Responses streams have no [DONE]). */
  end?: boolean;
}

export type RunListener = (event: RunEvent) => void;

/** The run stream's final frame: `event: done` / `data: [DONE]` (chat streams end with a bare `data: [DONE]`). */
export const DONE: RunEvent = { event: 'done', data: '[DONE]' };

/** Ends a Responses stream after its last event. */
export const END: RunEvent = { event: '', data: null, end: true };

/** Collects events from the moment a run is created; the HTTP layer attaches the response afterwards. */
export class EventChannel {
  private buffer: RunEvent[] = [];
  private sink: RunListener | null = null;
  private ended = false;

  readonly push: RunListener = (event) => {
    if (this.ended) return;
    if (event.data === '[DONE]' || event.end) this.ended = true;
    if (this.sink) this.sink(event);
    else this.buffer.push(event);
  };

  attach(sink: RunListener): void {
    this.sink = sink;
    for (const event of this.buffer.splice(0)) sink(event);
  }
}
