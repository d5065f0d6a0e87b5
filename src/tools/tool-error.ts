// An expected tool failure whose message is written for the model (and the user it talks to).
export class ToolError extends Error {
  constructor(
    message: string,
    /** Extra JSON fields for the output, e.g. { status: 503, attempts: 4 }. Never secrets. */
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

/** The effect may or may not have happened (e.g. an email whose acceptance was never confirmed); never retried. */
export class UnknownOutcomeError extends ToolError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.name = 'UnknownOutcomeError';
  }
}
