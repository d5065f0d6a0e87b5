// Who is calling.
// - dev mode (local provider on local storage, never in Azure): the caller names itself with x-user-id.
// - cloud mode, two sources:
//   1. `Authorization: Bearer <Entra ID access token>`, validated in the app (./auth/entra-bearer.ts) when
//      AUTH_ENTRA_TENANT_ID/AUTH_ENTRA_AUDIENCE are set. A bearer that fails validation is refused outright.
//   2. x-ms-client-principal, injected by App Service Authentication (Easy Auth) after it validated the token.
//      Trusted only when the platform says Easy Auth is on (WEBSITE_AUTH_ENABLED=True) and the principal names
//      its identity provider (auth_typ): without Easy Auth anyone can send that header.
// HttpRequest.user is not used: it throws when x-ms-client-principal-idp/-name are absent
// and does not pick the object id claim.
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import type { Config } from '../config';
import { unauthorized } from '../errors';
import { bearerConfigured, BearerProblem, verifyBearer } from './auth/entra-bearer';
import { cloudIdentityAvailable, NO_IDENTITY_SOURCE, platformAuthEnabled, type AuthConfig } from './auth/platform';

export interface Caller {
  userId: string;
  name?: string;
  source: 'app-service-auth' | 'entra-bearer' | 'dev-header';
}

export type IdentityConfig = AuthConfig & Pick<Config, 'authMode'>;

export const DEV_USER_HEADER = 'x-user-id';
export const DEV_USER_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;
const OBJECT_ID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const DEFAULT_NAME_CLAIMS = ['name', 'preferred_username', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'];
/** User ids become Table-storage keys: 1–128 characters, no control characters and none of / \ # ?. */
function isStorageSafe(id: string): boolean {
  const control = [...id].some((ch) => {
    const code = ch.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
  return id.length >= 1 && id.length <= 128 && !control && !/[/\\#?]/.test(id);
}

/** Decoded X-MS-CLIENT-PRINCIPAL (App Service "access user claims"). */
const ClientPrincipal = z.object({
  auth_typ: z.string().optional(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
});

type Resolution = { caller: Caller } | { problem: string };

/** The caller, or null when the request carries no valid identity for the configured mode. */
export async function resolveCaller(request: HttpRequest, config: IdentityConfig): Promise<Caller | null> {
  const resolution = await inspect(request, config);
  return 'caller' in resolution ? resolution.caller : null;
}

/** The caller, or a 401 AppError whose message says what is missing. */
export async function requireCaller(request: HttpRequest, config: IdentityConfig): Promise<Caller> {
  const resolution = await inspect(request, config);
  if ('caller' in resolution) return resolution.caller;
  throw unauthorized(resolution.problem);
}

async function inspect(request: HttpRequest, config: IdentityConfig): Promise<Resolution> {
  if (config.authMode === 'dev') return fromDevHeader(request);
  if (!cloudIdentityAvailable(config)) return { problem: NO_IDENTITY_SOURCE };
  const bearer = bearerToken(request);
  if (bearer !== undefined && bearerConfigured(config)) return fromBearer(bearer, config);
  if (platformAuthEnabled(config)) return fromClientPrincipal(request);
  return { problem: 'Send an Entra ID access token for this API: Authorization: Bearer <token>.' };
}

function bearerToken(request: HttpRequest): string | undefined {
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(request.headers.get('authorization') ?? '');
  return match?.[1];
}

async function fromBearer(token: string, config: IdentityConfig): Promise<Resolution> {
  try {
    const identity = await verifyBearer(token, config);
    if (!isStorageSafe(identity.userId)) return { problem: 'The token carries no usable user id.' };
    return { caller: { ...identity, source: 'entra-bearer' } };
  } catch (error) {
    if (error instanceof BearerProblem) return { problem: error.message };
    // The issuer's metadata or keys could not be fetched: nobody can be identified right now.
    return { problem: 'The bearer token could not be validated right now; try again.' };
  }
}

function fromDevHeader(request: HttpRequest): Resolution {
  const userId = request.headers.get(DEV_USER_HEADER);
  if (userId === null) return { problem: `Send an ${DEV_USER_HEADER} header naming the local user (dev mode).` };
  if (!DEV_USER_PATTERN.test(userId)) return { problem: `The ${DEV_USER_HEADER} header must be 1–128 characters of A-Z a-z 0-9 . _ @ -.` };
  return { caller: { userId, source: 'dev-header' } };
}

function fromClientPrincipal(request: HttpRequest): Resolution {
  const header = request.headers.get('x-ms-client-principal');
  if (!header) return { problem: 'Sign in: App Service Authentication supplied no client principal.' };
  const principal = decodePrincipal(header);
  if (!principal) return { problem: 'The client principal could not be read.' };
  if (!principal.auth_typ) return { problem: 'The client principal names no identity provider.' };
  const claim = (types: string[]) => types.map((typ) => principal.claims.find((c) => c.typ === typ)?.val).find((v) => v);
  const userId = claim(OBJECT_ID_CLAIMS) ?? request.headers.get('x-ms-client-principal-id') ?? undefined;
  if (!userId || !isStorageSafe(userId)) return { problem: 'The client principal carries no usable user id.' };
  const nameClaims = principal.name_typ ? [principal.name_typ, ...DEFAULT_NAME_CLAIMS] : DEFAULT_NAME_CLAIMS;
  const name = claim(nameClaims) ?? request.headers.get('x-ms-client-principal-name') ?? undefined;
  return { caller: { userId, source: 'app-service-auth', ...(name ? { name } : {}) } };
}

function decodePrincipal(header: string): z.output<typeof ClientPrincipal> | null {
  try {
    const parsed = ClientPrincipal.safeParse(JSON.parse(Buffer.from(header, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
