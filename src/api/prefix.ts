/**
 * Where the API lives on the site. host.json's routePrefix is "" (the web chat is served at the root,
 * src/functions/web-page.ts), so every API route carries this prefix itself: the URLs stay /api/...
 */
export const API_PREFIX = 'api';
