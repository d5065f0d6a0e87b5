// A controllable clock: wall time plus an offset that POST /_admin/clock moves forward.
// Every engine timer is scheduled against this clock, so advancing it fires whatever has come due
// (queue delays, per-turn delay_ms, run expiry) in the order a real clock would have.

interface Timer {
  atMs: number;
  fn: () => void;
  handle: NodeJS.Timeout | null;
}

export class Clock {
  private offsetMs = 0;
  private readonly timers = new Set<Timer>();

  /** Sets the offset a snapshot saved (before any timer is scheduled). */
  restore(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Unix seconds, the unit of every created_at/expires_at on the wire. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Runs `fn` once the clock reads `atMs`; returns a canceller. */
  at(atMs: number, fn: () => void): () => void {
    const timer: Timer = { atMs, fn, handle: null };
    this.timers.add(timer);
    this.arm(timer);
    return () => {
      if (timer.handle) clearTimeout(timer.handle);
      this.timers.delete(timer);
    };
  }

  after(ms: number, fn: () => void): () => void {
    return this.at(this.nowMs() + ms, fn);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /** Moves the clock forward and fires, in due order, every timer that has now come due. */
  advance(ms: number): void {
    this.offsetMs += ms;
    const due = [...this.timers].filter((t) => t.atMs <= this.nowMs()).sort((a, b) => a.atMs - b.atMs);
    for (const timer of due) this.fire(timer);
    for (const timer of this.timers) this.arm(timer);
  }

  /** Drops every pending timer (server close, admin reset). */
  clear(): void {
    for (const timer of this.timers) if (timer.handle) clearTimeout(timer.handle);
    this.timers.clear();
  }

  reset(): void {
    this.clear();
    this.offsetMs = 0;
  }

  private arm(timer: Timer): void {
    if (timer.handle) clearTimeout(timer.handle);
    // setTimeout caps at ~24.8 days; longer waits re-arm when they wake.
    const wait = Math.min(Math.max(0, timer.atMs - this.nowMs()), 2 ** 31 - 1);
    timer.handle = setTimeout(() => (timer.atMs <= this.nowMs() ? this.fire(timer) : this.arm(timer)), wait);
  }

  private fire(timer: Timer): void {
    if (!this.timers.delete(timer)) return;
    if (timer.handle) clearTimeout(timer.handle);
    timer.fn();
  }
}
