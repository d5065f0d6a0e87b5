// The service's error shape {error:{message,type,param,code}} and the errors every area throws.

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly type = 'invalid_request_error',
    public readonly param: string | null = null,
    public readonly code: string | null = null,
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new ApiError(400, message, 'invalid_request_error', param, code);

/** 404 in the Assistants wording: `No assistant found with id 'asst_x'.` */
export const notFound = (what: string, id: string) => new ApiError(404, `No ${what} found with id '${id}'.`);

/** The Files API words its 404 differently from the Assistants API. */
export const fileNotFound = (id: string) => new ApiError(404, `No such File object: ${id}`, 'invalid_request_error', 'id');

export const invalidUrl = (method: string, path: string) => new ApiError(404, `Invalid URL (${method} ${path})`);

export const serverError = (message = 'The server had an error while processing your request. Sorry about that!') =>
  new ApiError(500, message, 'server_error');

/** Python-style list rendering the service uses in messages: ['call_a', 'call_b']. */
export function pyList(items: readonly string[]): string {
  return `[${items.map((i) => `'${i}'`).join(', ')}]`;
}
