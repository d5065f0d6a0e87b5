// Entra ID bearer tokens validated in the app (SPA and mobile frontends send MSAL access tokens):
// the issuer's OpenID metadata gives its `issuer` and `jwks_uri`; the signature must verify with one of those
// keys (RS256 only, so `alg: none` and HMAC tricks fail), `iss` must be that issuer, `aud` the API's app id
// (or api://<app id>), and the token must be within its lifetime. The user is the `oid` claim.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../../config';

export type BearerConfig = Pick<Config, 'AUTH_ENTRA_TENANT_ID' | 'AUTH_ENTRA_AUDIENCE' | 'AUTH_ENTRA_METADATA_URL'>;

export interface BearerIdentity {
  userId: string;
  name?: string;
}

/** A token that does not identify anyone; the message is safe to show (it never echoes the token). */
export class BearerProblem extends Error {}

const CLOCK_TOLERANCE_SECONDS = 60;
const METADATA_TIMEOUT_MS = 5_000;

interface Issuer {
  issuer: string;
  keys: JWTVerifyGetKey;
}

/** One metadata document and key set per issuer URL, shared by all requests (jose caches and refreshes keys). */
const issuers = new Map<string, Promise<Issuer>>();

export function bearerConfigured(config: BearerConfig): boolean {
  return Boolean(config.AUTH_ENTRA_TENANT_ID && config.AUTH_ENTRA_AUDIENCE);
}

export function metadataUrlOf(config: BearerConfig): string {
  return config.AUTH_ENTRA_METADATA_URL ?? `https://login.microsoftonline.com/${config.AUTH_ENTRA_TENANT_ID}/v2.0/.well-known/openid-configuration`;
}

function issuerFor(metadataUrl: string): Promise<Issuer> {
  let pending = issuers.get(metadataUrl);
  if (!pending) {
    pending = loadIssuer(metadataUrl);
    // A failed load is forgotten, so the next request tries again.
    pending.catch(() => issuers.delete(metadataUrl));
    issuers.set(metadataUrl, pending);
  }
  return pending;
}

async function loadIssuer(metadataUrl: string): Promise<Issuer> {
  const response = await fetch(metadataUrl, { signal: AbortSignal.timeout(METADATA_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`OpenID metadata answered HTTP ${response.status}`);
  const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (typeof metadata.issuer !== 'string' || typeof metadata.jwks_uri !== 'string') throw new Error('OpenID metadata lacks issuer or jwks_uri');
  return { issuer: metadata.issuer, keys: createRemoteJWKSet(new URL(metadata.jwks_uri)) };
}

/** Validates `token`; throws BearerProblem when it identifies no one, or an Error when the issuer cannot be reached. */
export async function verifyBearer(token: string, config: BearerConfig): Promise<BearerIdentity> {
  const audience = config.AUTH_ENTRA_AUDIENCE!;
  const { issuer, keys } = await issuerFor(metadataUrlOf(config));
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer,
      audience: [audience, `api://${audience}`],
      algorithms: ['RS256'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'oid'],
    }));
  } catch (error) {
    throw new BearerProblem(reasonOf(error));
  }
  const oid = payload.oid;
  if (typeof oid !== 'string' || oid === '') throw new BearerProblem('The token carries no object id (oid).');
  const name = [payload.name, payload.preferred_username].find((v): v is string => typeof v === 'string' && v !== '');
  return { userId: oid, ...(name ? { name } : {}) };
}

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The bearer token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The bearer token was not issued for this API (${error.claim} does not match).`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The bearer token is not signed with an accepted algorithm.';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) return "The bearer token's signature does not verify with the issuer's keys.";
  return 'The bearer token could not be validated.';
}

/** Tests: forget cached issuers. */
export function resetBearerCache(): void {
  issuers.clear();
}
