// The web chat, served by the Function app at the site root (host.json routePrefix "", the API's routes under api/):
// same origin as the API, so App Service Authentication's session cookie signs the page's API calls in too.
import path from 'node:path';
import { app } from '@azure/functions';
import { platformAuthEnabled } from '../api/auth/platform';
import { APP_ROOT, getConfig } from '../runtime';
import { loadWebSite, servePage, type WebSite } from '../web/site';

let site: WebSite | undefined;

app.http('webPage', {
  // Catch-all at the root: every route under api/ is more specific, so the host tries those first.
  route: '{*path}',
  methods: ['GET', 'HEAD'],
  authLevel: 'anonymous',
  handler: async (request) => {
    site ??= loadWebSite(path.join(APP_ROOT, 'dist/web'));
    const config = getConfig();
    // Signed in with App Service Authentication in cloud mode; the dev-mode user picker in dev mode.
    const platformAuth = config.authMode === 'cloud' && platformAuthEnabled(config);
    const answer = servePage(site, { method: request.method, path: new URL(request.url).pathname, header: (name) => request.headers.get(name) }, { platformAuth });
    return { status: answer.status, headers: answer.headers, body: answer.body };
  },
});
