// What the platform says about authentication, and which identity sources cloud mode therefore trusts.
import type { Config } from '../../config';
import { bearerConfigured, metadataUrlOf, type BearerConfig } from './entra-bearer';

export type AuthConfig = Pick<Config, 'authMode' | 'WEBSITE_AUTH_ENABLED' | 'WEBSITE_INSTANCE_ID'> & BearerConfig;

/**
 * App Service sets WEBSITE_AUTH_ENABLED=True when App Service Authentication (Easy Auth) is on; only then does
 * the platform strip client-sent x-ms-client-principal headers and inject its own. Otherwise anyone can send one.
 */
export function platformAuthEnabled(config: Pick<Config, 'WEBSITE_AUTH_ENABLED'>): boolean {
  return config.WEBSITE_AUTH_ENABLED?.trim().toLowerCase() === 'true';
}

export const NO_IDENTITY_SOURCE =
  'This deployment cannot identify callers: App Service Authentication is off and Entra ID bearer validation is not configured.';

/** Whether cloud mode can identify anyone at all; when not, every route but health answers 401. */
export function cloudIdentityAvailable(config: AuthConfig): boolean {
  return platformAuthEnabled(config) || bearerConfigured(config);
}

/** One line per fact about who the app will believe, for the startup log. Never secrets. */
export function describeAuth(config: AuthConfig): { level: 'info' | 'warn'; message: string; fields: Record<string, unknown> } {
  if (config.authMode === 'dev') {
    return { level: 'warn', message: 'auth: dev mode; callers name themselves with x-user-id (local use only)', fields: { authMode: 'dev' } };
  }
  const platform = platformAuthEnabled(config);
  const bearer = bearerConfigured(config);
  const fields = {
    authMode: 'cloud',
    appServiceAuthentication: platform ? 'on' : `off (WEBSITE_AUTH_ENABLED=${config.WEBSITE_AUTH_ENABLED ?? 'unset'})`,
    entraBearer: bearer ? `on (audience ${config.AUTH_ENTRA_AUDIENCE}, metadata ${metadataUrlOf(config)})` : 'off (AUTH_ENTRA_TENANT_ID/AUTH_ENTRA_AUDIENCE unset)',
  };
  if (!platform && !bearer) {
    return {
      level: 'warn',
      message: 'auth: cloud mode with no trusted identity source: App Service Authentication is off and Entra ID bearer validation is not configured, so every route but health answers 401',
      fields,
    };
  }
  return {
    level: 'info',
    message: platform ? 'auth: cloud mode; x-ms-client-principal trusted (App Service Authentication is on)' : 'auth: cloud mode; x-ms-client-principal ignored (App Service Authentication is off); Entra ID bearer tokens only',
    fields,
  };
}
