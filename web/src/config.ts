// Which identity mode the page runs in. config.json beside the page says it (the dev server writes
// it; a deployment may ship one); without it the page asks App Service Authentication (/.auth/me)
// and falls back to dev mode when that is not there.
import type { PageConfig } from './types';

const DEFAULTS: PageConfig = { auth: 'dev', apiBase: '/api', users: ['alice', 'bob', 'carol'] };

export async function loadConfig(): Promise<PageConfig> {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (response.ok) return { ...DEFAULTS, ...((await response.json()) as Partial<PageConfig>) };
  } catch {
    // no config: detect below
  }
  return { ...DEFAULTS, auth: (await easyAuthUser()) === undefined ? 'dev' : 'easyauth' };
}

export interface SignedInUser {
  userId: string;
  name: string;
}

/**
 * The App Service Authentication session: the user, null when signed out, undefined when the
 * platform's /.auth endpoints are not there at all.
 */
export async function easyAuthUser(): Promise<SignedInUser | null | undefined> {
  try {
    const response = await fetch('/.auth/me', { credentials: 'same-origin', cache: 'no-store' });
    if (response.status === 401) return null;
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return undefined;
    const [entry] = (await response.json()) as Array<{ user_id?: string; user_claims?: Array<{ typ: string; val: string }> }>;
    if (!entry) return null;
    const claim = (typ: string) => entry.user_claims?.find((c) => c.typ === typ)?.val;
    return { userId: entry.user_id ?? '', name: claim('name') ?? claim('preferred_username') ?? entry.user_id ?? 'signed in' };
  } catch {
    return undefined;
  }
}

export const loginUrl = () => `/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(location.pathname + location.hash)}`;
export const logoutUrl = () => `/.auth/logout?post_logout_redirect_uri=${encodeURIComponent(location.pathname)}`;
