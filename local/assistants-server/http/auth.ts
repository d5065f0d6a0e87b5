// The three URL styles serve one state; each checks credentials and api-version the way its service does.
import type { IncomingHttpHeaders } from 'node:http';
import type { UrlStyle } from './context';
import { ApiError } from './errors';

export interface ResolvedPath {
  style: UrlStyle;
  /** The path after the style's prefix, e.g. /threads/thread_x/runs. */
  rest: string;
  /** The v1 APIs (Azure `/openai/v1/...`, Foundry `/api/projects/{p}/openai/v1/...`) take no api-version. */
  unversioned?: boolean;
}

/** OpenAI `/v1/...`, Azure OpenAI `/openai/[v1/]...`, Foundry project endpoint `/api/projects/{project}/[openai/v1/]...`. */
export function resolveStyle(pathname: string): ResolvedPath | null {
  let match = /^\/v1(\/.*)$/.exec(pathname);
  if (match) return { style: 'openai', rest: match[1]! };
  match = /^\/openai\/v1(\/.*)$/.exec(pathname);
  if (match) return { style: 'azure', rest: match[1]!, unversioned: true };
  match = /^\/openai(\/.*)$/.exec(pathname);
  if (match) return { style: 'azure', rest: match[1]! };
  match = /^\/api\/projects\/[^/]+\/openai\/v1(\/.*)$/.exec(pathname);
  if (match) return { style: 'foundry', rest: match[1]!, unversioned: true };
  match = /^\/api\/projects\/[^/]+(\/.*)$/.exec(pathname);
  if (match) return { style: 'foundry', rest: match[1]! };
  return null;
}

function bearer(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S.*)$/i.exec(headers.authorization ?? '');
  return match?.[1]?.trim() || undefined;
}

const unauthorized = (message: string, code: string | null) => new ApiError(401, message, 'invalid_request_error', null, code);

export function authenticate(style: UrlStyle, headers: IncomingHttpHeaders): void {
  if (style === 'openai') {
    if (!bearer(headers)) {
      throw unauthorized(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        null,
      );
    }
    return;
  }
  if (style === 'azure') {
    const key = typeof headers['api-key'] === 'string' ? headers['api-key'].trim() : '';
    if (!key && !bearer(headers)) {
      throw unauthorized(
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
        '401',
      );
    }
    return;
  }
  if (!bearer(headers)) throw unauthorized('Unauthorized. Access token is missing, invalid, audience is incorrect (https://ai.azure.com), or have expired.', '401');
}

const AZURE_VERSION = /^(\d{4}-\d{2}-\d{2}(-preview)?|preview|latest)$/;
const FOUNDRY_VERSION = /^(v1|\d{4}-\d{2}-\d{2}(-preview)?)$/;

export function checkApiVersion(style: UrlStyle, query: URLSearchParams): void {
  if (style === 'openai') return;
  const version = query.get('api-version');
  if (!version) throw new ApiError(400, 'The api-version query parameter (?api-version=) is required for all requests.', 'invalid_request_error', 'api-version', 'MissingApiVersionParameter');
  if (!(style === 'azure' ? AZURE_VERSION : FOUNDRY_VERSION).test(version)) {
    throw new ApiError(400, `The api-version '${version}' is invalid.`, 'invalid_request_error', 'api-version', 'InvalidApiVersionParameter');
  }
}

/** OpenAI's Assistants endpoints refuse requests without `OpenAI-Beta: assistants=v2` (the SDK always sends it). */
export function checkBetaHeader(style: UrlStyle, rest: string, headers: IncomingHttpHeaders): void {
  if (style !== 'openai' || !/^\/(assistants|threads)(\/|$)/.test(rest)) return;
  const beta = String(headers['openai-beta'] ?? '');
  if (beta.includes('assistants=v2')) return;
  if (beta.includes('assistants=v1')) {
    throw new ApiError(400, "The v1 Assistants API has been deprecated. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.", 'invalid_request_error', null, 'invalid_beta');
  }
  throw new ApiError(
    400,
    "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.",
    'invalid_request_error',
    null,
    'invalid_beta',
  );
}
