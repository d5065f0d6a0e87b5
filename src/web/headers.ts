// The web chat's response headers, one home for the Function app (src/web/site.ts) and the dev server (local/web).
/** The page loads only its own files; images of the conversation are blob: URLs it made. */
export const WEB_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' blob: data:; script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Names with a content hash (`app.M7K53W2A.js`, `app.M7K53W2A.js.map`) never change: cached for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html (and unhashed files) are revalidated on every load, so a deploy shows at once. */
export const REVALIDATE = 'no-cache';

const HASHED = /\.[A-Z0-9]{8}\.(js|css)(\.map|\.LEGAL\.txt)?$/;

export function cacheControlOf(name: string): string {
  return HASHED.test(name) ? IMMUTABLE : REVALIDATE;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export function contentTypeOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return TYPES[dot < 0 ? '' : name.slice(dot).toLowerCase()] ?? 'application/octet-stream';
}
