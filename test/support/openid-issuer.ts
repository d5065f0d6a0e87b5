// A local OpenID issuer for tests: serves /<tenant>/v2.0/.well-known/openid-configuration and its JWKS on
// 127.0.0.1 (port 0), and signs Entra-shaped access tokens with a generated RS256 key.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

/** Whatever jose signs with: a private key, or HMAC secret bytes. */
export type SigningKey = Parameters<SignJWT['sign']>[0];

export interface TestIssuer {
  tenant: string;
  /** The `issuer` its metadata names. */
  issuer: string;
  metadataUrl: string;
  /** Signs a token with the issuer's key (or `key`), valid for an hour unless claims say otherwise. */
  sign(claims: JWTPayload, options?: { key?: SigningKey; kid?: string; alg?: string }): Promise<string>;
  /** A key pair the issuer does not publish. */
  foreignKey(): Promise<SigningKey>;
  /** Requests served, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startTestIssuer(tenant = '11111111-2222-3333-4444-555555555555'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const hits = new Map<string, number>();
  let base = '';
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const send = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === `/${tenant}/v2.0/.well-known/openid-configuration`) return send({ issuer: `${base}/${tenant}/v2.0`, jwks_uri: `${base}/${tenant}/discovery/v2.0/keys` });
    if (path === `/${tenant}/discovery/v2.0/keys`) return send({ keys: [jwk] });
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/${tenant}/v2.0`;
  return {
    tenant,
    issuer,
    metadataUrl: `${issuer}/.well-known/openid-configuration`,
    hits,
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, iat: now, nbf: now, exp: now + 3600, ...claims })
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'test-key-1', typ: 'JWT' })
        .sign(options.key ?? privateKey);
    },
    async foreignKey() {
      return (await generateKeyPair('RS256')).privateKey;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An unsigned token (`alg: none`), as an attacker would forge one. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
