// The web chat as the Function app serves it (src/functions/web-page.ts): the built files of web/ (npm run build puts
// them in dist/web, beside dist/main.js, so they ship in the deploy package), config.json telling the page its
// identity mode, and the sign-in redirect. App Service Authentication lets anonymous requests through (the API
// answers them 401 JSON itself), so sending a signed-out visitor of the page to the login is done here.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { notFound } from '../errors';
import { cacheControlOf, contentTypeOf, REVALIDATE, WEB_SECURITY_HEADERS } from './headers';

export interface WebFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/** URL path (`/index.html`) → file. */
export type WebSite = ReadonlyMap<string, WebFile>;

export function loadWebSite(dir: string): WebSite {
  const site = new Map<string, WebFile>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return site; // not built: every page request answers 404, the API is unaffected
  }
  for (const name of names) site.set(`/${name}`, { body: readFileSync(path.join(dir, name)), contentType: contentTypeOf(name), cacheControl: cacheControlOf(name) });
  return site;
}

export interface PageRequest {
  method: string;
  /** The URL path, e.g. `/` or `/app.M7K53W2A.js`. */
  path: string;
  header(name: string): string | null;
}

export interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
}

export interface PageOptions {
  /**
   * App Service Authentication is on (WEBSITE_AUTH_ENABLED): the page signs in with it, and the platform's
   * X-MS-CLIENT-PRINCIPAL-* headers say who is signed in. Off: the page's dev-mode user picker.
   */
  platformAuth: boolean;
}

export const LOGIN_PATH = '/.auth/login/aad';

export function servePage(site: WebSite, request: PageRequest, options: PageOptions): PageResponse {
  const headers = { ...WEB_SECURITY_HEADERS };
  if (request.method !== 'GET' && request.method !== 'HEAD') return { status: 405, headers: { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Only GET.' };
  const signedIn = options.platformAuth ? signedInUser(request) : null;
  if (request.path === '/config.json') {
    const config = options.platformAuth ? { auth: 'easyauth', apiBase: '/api', ...(signedIn ? { user: signedIn } : {}) } : { auth: 'dev', apiBase: '/api' };
    // Per visitor (the signed-in user): never cached.
    return { status: 200, headers: { ...headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: JSON.stringify(config) };
  }
  const wanted = request.path === '/' ? '/index.html' : request.path;
  const file = site.get(wanted);
  if (!file) {
    // In the API's one error envelope: the host resolves dot segments, so `/api/%2e%2e/x` lands here, not in the API.
    const missing = notFound('Page file');
    const body = JSON.stringify({ error: { code: missing.code, message: missing.message } });
    return { status: 404, headers: { ...headers, 'Content-Type': 'application/json', 'Cache-Control': REVALIDATE }, body };
  }
  if (wanted === '/index.html' && options.platformAuth && !signedIn) {
    // Back to the page after signing in (a same-origin path only: the platform refuses other redirect targets anyway).
    return { status: 302, headers: { ...headers, Location: `${LOGIN_PATH}?post_login_redirect_uri=${encodeURIComponent('/')}`, 'Cache-Control': 'no-store' } };
  }
  const cache = wanted === '/index.html' && options.platformAuth ? 'no-cache, private' : file.cacheControl;
  return { status: 200, headers: { ...headers, 'Content-Type': file.contentType, 'Cache-Control': cache }, body: request.method === 'HEAD' ? undefined : file.body };
}

/** Who App Service Authentication says is signed in (it strips these headers from what clients send). */
function signedInUser(request: PageRequest): { userId: string; name: string } | null {
  const userId = request.header('x-ms-client-principal-id');
  if (!userId) return null;
  return { userId, name: request.header('x-ms-client-principal-name') || userId };
}
