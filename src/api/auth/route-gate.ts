// Cloud mode without any identity source (App Service Authentication off, no Entra ID bearer validation) is
// closed: every route but health answers 401, so a deployment that forgot authentication fails visibly instead of
// serving anonymous callers. CORS preflights stay open (browsers send them without credentials).
import type { Config } from '../../config';
import { unauthorized } from '../../errors';
import type { RouteSpec } from '../route';
import { cloudIdentityAvailable, NO_IDENTITY_SOURCE, type AuthConfig } from './platform';

const ALWAYS_OPEN = new Set(['health', 'corsPreflight']);

export function closedInCloudMode(spec: Pick<RouteSpec, 'name'>, config: AuthConfig & Pick<Config, 'authMode'>): void {
  if (config.authMode === 'cloud' && !ALWAYS_OPEN.has(spec.name) && !cloudIdentityAvailable(config)) throw unauthorized(NO_IDENTITY_SOURCE);
}
