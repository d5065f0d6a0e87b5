// CORS for browser frontends: origins from CORS_ALLOWED_ORIGINS (`*` for any). Actual responses
// get Allow-Origin/Vary/Expose headers; preflights are answered by a catch-all OPTIONS route.
import type { Config } from '../config';

/** Response headers a browser script may read. */
export const EXPOSED_HEADERS = ['Location', 'Retry-After', 'x-request-id'];
/**
 * Request headers frontends send beyond the CORS-safelisted ones. No X-Functions-Key: the routes a browser calls take
 * no function key (src/api/route.ts), and the admin key of the maintenance routes has no business in a browser.
 */
export const ALLOWED_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'Last-Event-ID', 'X-User-Id', 'X-Requested-With'];
const PREFLIGHT_MAX_AGE_SECONDS = 600;

type CorsConfig = Pick<Config, 'CORS_ALLOWED_ORIGINS'>;

const normalize = (origin: string) => origin.trim().replace(/\/+$/, '').toLowerCase();

/** The Access-Control-Allow-Origin value for this Origin, or null when it is not allowed. */
export function allowedOrigin(origin: string | null, config: CorsConfig): string | null {
  if (!origin) return null;
  const allowed = config.CORS_ALLOWED_ORIGINS;
  if (allowed.includes('*')) return '*';
  const wanted = normalize(origin);
  return allowed.some((o) => normalize(o) === wanted) ? origin : null;
}

/** Headers for an actual (non-preflight) response. */
export function corsHeaders(origin: string | null, config: CorsConfig): Record<string, string> {
  // The answer depends on Origin, so caches must key on it even when we refuse.
  const headers: Record<string, string> = { Vary: 'Origin' };
  const allow = allowedOrigin(origin, config);
  if (allow) {
    headers['Access-Control-Allow-Origin'] = allow;
    headers['Access-Control-Expose-Headers'] = EXPOSED_HEADERS.join(', ');
    // A named origin may send the App Service Authentication session cookie; `*` never may.
    if (allow !== '*') headers['Access-Control-Allow-Credentials'] = 'true';
  }
  return headers;
}

export type PreflightOutcome =
  | { kind: 'allowed'; headers: Record<string, string> }
  | { kind: 'not-cors'; headers: Record<string, string> }
  | { kind: 'origin-refused' };

/** Decides a preflight for a path served with `methods`. */
export function preflight(origin: string | null, methods: string[], config: CorsConfig): PreflightOutcome {
  const allowMethods = [...new Set([...methods, 'OPTIONS'])].join(', ');
  if (!origin) return { kind: 'not-cors', headers: { Allow: allowMethods } };
  const allow = allowedOrigin(origin, config);
  if (!allow) return { kind: 'origin-refused' };
  return {
    kind: 'allowed',
    headers: {
      'Access-Control-Allow-Methods': allowMethods,
      'Access-Control-Allow-Headers': ALLOWED_REQUEST_HEADERS.join(', '),
      'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
      Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    },
  };
}
