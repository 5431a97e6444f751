/**
 * `auth` on the upgrader over real sockets: JWTs (HS256 secret from the environment, RS256 and
 * ES256 through a JWKS URL served by the test), API keys, every place a credential may ride,
 * 401 before the upgrade, and `conn.auth` in snippets.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { start } from '../engine/helpers.ts';
import { TestClient } from '../helpers/ws-client.ts';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import { AuthConfigError } from '../../runtime/engine/security/auth.ts';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

/** A flow whose onOpen sends `conn.auth` and `conn.protocol` back, so the test sees what a snippet sees. */
function flowWith(auth: string, extra = ''): string {
  return `
wsflow: 1
name: guarded
listener: { port: 0 }
nodes:
  - id: up
    type: upgrader
    basePath: /s
    auth: ${auth}
    allowedOrigins: [https://app.example.com]
  - { id: svc, type: service${extra} }
  - id: on-open
    type: onOpen
    code: |
      export default function onOpen(conn: Connection) {
        conn.send(JSON.stringify({ auth: conn.auth ?? null, protocol: conn.protocol }));
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-open }
`;
}

async function hs256(claims: JWTPayload, secret = SECRET, exp: number | string = '5m'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(secret));
}

async function opened(url: string, options?: Parameters<typeof TestClient.connect>[1]) {
  const client = await TestClient.connect(url, options);
  const hello = await client.nextJson<{ auth: Record<string, unknown> | null; protocol: string }>();
  return { client, hello };
}

describe('jwt with a shared secret', () => {
  let flow: RunningFlow;
  let url: string;
  beforeAll(async () => {
    flow = await start(flowWith('{ type: jwt, secret: "${env.JWT_SECRET}", issuer: https://issuer.example, audience: chat, clockSkewSec: 30 }', ', subprotocols: [chat.v1]'), {
      env: { JWT_SECRET: SECRET },
    });
    url = `${flow.url}/s`;
  });
  afterAll(() => flow.stop({ drainTimeoutMs: 0 }));
  const good = (extra: JWTPayload = {}, exp: number | string = '5m') => hs256({ sub: 'alice', iss: 'https://issuer.example', aud: 'chat', role: 'admin', ...extra }, SECRET, exp);
  const secondsAgo = (s: number) => Math.floor(Date.now() / 1000) - s;

  it('refuses a request without a token with 401 and WWW-Authenticate', async () => {
    const r = await TestClient.rejection(url);
    expect(r.status).toBe(401);
    expect(r.body).toMatch(/bearer token is required/);
  });

  it('accepts a token in the Authorization header and shows conn.auth to snippets', async () => {
    const { client, hello } = await opened(url, { headers: { authorization: `Bearer ${await good()}` } });
    expect(hello.auth).toMatchObject({ type: 'jwt', subject: 'alice', claims: { sub: 'alice', role: 'admin', aud: 'chat' } });
    client.socket.terminate();
  });

  it('accepts a token in the access_token query parameter', async () => {
    const { client, hello } = await opened(`${url}?access_token=${await good()}`);
    expect(hello.auth?.subject).toBe('alice');
    client.socket.terminate();
  });

  it('completes the handshake when the token rides in the subprotocol list (Choreo style), answering the marker, never the token', async () => {
    const token = await good();
    const { client, hello } = await opened(url, { protocols: ['choreo-oauth2-token', token] });
    expect(client.socket.protocol).toBe('choreo-oauth2-token');
    expect(hello).toMatchObject({ auth: { subject: 'alice' }, protocol: '' });
    client.socket.terminate();
    const withReal = await opened(url, { protocols: ['choreo-oauth2-token', token, 'chat.v1'] });
    expect(withReal.client.socket.protocol).toBe('chat.v1');
    expect(withReal.hello.protocol).toBe('chat.v1');
    withReal.client.socket.terminate();
  });

  it('refuses a bad signature, a wrong issuer or audience, an expired token and alg none with 401', async () => {
    const cases: [string, RegExp][] = [
      [await hs256({ sub: 'a', iss: 'https://issuer.example', aud: 'chat' }, 'another-secret-another-secret-xx'), /not valid/],
      [await good({ iss: 'https://evil.example' }), /iss claim/],
      [await good({ aud: 'other' }), /aud claim/],
      [await good({}, secondsAgo(120)), /expired/],
      [`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","iss":"https://issuer.example","aud":"chat"}').toString('base64url')}.`, /not valid|algorithm/],
    ];
    for (const [token, reason] of cases) {
      const r = await TestClient.rejection(url, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status, token).toBe(401);
      expect(r.body).toMatch(reason);
    }
  });

  it('tolerates a clock difference within clockSkewSec', async () => {
    const { client } = await opened(url, { headers: { authorization: `Bearer ${await good({}, secondsAgo(10))}` } });
    client.socket.terminate();
  });

  it('refuses a subprotocol-borne token that is invalid with 401', async () => {
    const r = await TestClient.rejection(url, { protocols: ['choreo-oauth2-token', 'not.a.jwt'] });
    expect(r.status).toBe(401);
  });
});

describe('jwt with a JWKS URL (RS256 and ES256)', () => {
  let jwks: Server;
  let flow: RunningFlow;
  let url: string;
  type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  const keys: Record<string, PrivateKey> = {};
  beforeAll(async () => {
    const rs = await generateKeyPair('RS256');
    const es = await generateKeyPair('ES256');
    keys.RS256 = rs.privateKey;
    keys.ES256 = es.privateKey;
    const set = { keys: [{ ...(await exportJWK(rs.publicKey)), kid: 'rs', alg: 'RS256', use: 'sig' }, { ...(await exportJWK(es.publicKey)), kid: 'es', alg: 'ES256', use: 'sig' }] };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(set)));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const port = (jwks.address() as { port: number }).port;
    flow = await start(flowWith('{ type: jwt, jwksUrl: "${env.JWKS_URL}" }'), { env: { JWKS_URL: `http://127.0.0.1:${port}/jwks.json` } });
    url = `${flow.url}/s`;
  });
  afterAll(async () => {
    await flow.stop({ drainTimeoutMs: 0 });
    await new Promise((r) => jwks.close(r));
  });
  const sign = (alg: 'RS256' | 'ES256', kid: string) => new SignJWT({ sub: `${alg}-user` }).setProtectedHeader({ alg, kid }).setExpirationTime('5m').sign(keys[alg] as PrivateKey);

  it('accepts RS256 and ES256 tokens signed by keys of the set', async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const { client, hello } = await opened(url, { headers: { authorization: `Bearer ${await sign(alg, alg === 'RS256' ? 'rs' : 'es')}` } });
      expect(hello.auth?.subject).toBe(`${alg}-user`);
      client.socket.terminate();
    }
  });

  it('refuses an HS256 token (no secret is configured, and a public key is never an HMAC secret)', async () => {
    const r = await TestClient.rejection(url, { headers: { authorization: `Bearer ${await hs256({ sub: 'x' })}` } });
    expect(r.status).toBe(401);
  });

  it('refuses a token signed by a key outside the set', async () => {
    const other = await generateKeyPair('RS256');
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: 'rs' }).setExpirationTime('5m').sign(other.privateKey);
    const r = await TestClient.rejection(url, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(401);
  });
});

describe('jwt requireExp', () => {
  const noExp = () => new SignJWT({ sub: 'forever' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().sign(new TextEncoder().encode(SECRET));

  it('refuses a token without exp when requireExp is set (401), and accepts one by default', async () => {
    const strict = await start(flowWith('{ type: jwt, secret: "${env.JWT_SECRET}", requireExp: true }'), { env: { JWT_SECRET: SECRET } });
    const lax = await start(flowWith('{ type: jwt, secret: "${env.JWT_SECRET}" }'), { env: { JWT_SECRET: SECRET } });
    try {
      const r = await TestClient.rejection(`${strict.url}/s`, { headers: { authorization: `Bearer ${await noExp()}` } });
      expect(r.status).toBe(401);
      expect(r.body).toContain('no exp claim');
      const { client } = await opened(`${strict.url}/s`, { headers: { authorization: `Bearer ${await hs256({ sub: 'x' })}` } });
      client.socket.terminate();
      const { client: old, hello } = await opened(`${lax.url}/s`, { headers: { authorization: `Bearer ${await noExp()}` } });
      expect(hello.auth?.subject).toBe('forever');
      old.socket.terminate();
    } finally {
      await strict.stop({ drainTimeoutMs: 0 });
      await lax.stop({ drainTimeoutMs: 0 });
    }
  });
});

describe('apiKey', () => {
  let flow: RunningFlow;
  let url: string;
  beforeAll(async () => {
    flow = await start(flowWith('{ type: apiKey, keys: "${env.API_KEYS}", header: x-service-key }'), { env: { API_KEYS: 'k-one, k-two' } });
    url = `${flow.url}/s`;
  });
  afterAll(() => flow.stop({ drainTimeoutMs: 0 }));

  it('accepts a listed key in the configured header, the api_key query parameter and the choreo-test-key subprotocol', async () => {
    const ways: Parameters<typeof TestClient.connect>[1][] = [{ headers: { 'x-service-key': 'k-two' } }, { protocols: ['choreo-test-key', 'k-one'] }];
    for (const options of ways) {
      const { client, hello } = await opened(url, options);
      expect(hello.auth).toEqual({ type: 'apiKey' });
      client.socket.terminate();
    }
    const { client } = await opened(`${url}?api_key=k-one`);
    client.socket.terminate();
  });

  it('refuses a missing or unknown key with 401', async () => {
    expect((await TestClient.rejection(url)).status).toBe(401);
    expect((await TestClient.rejection(url, { headers: { 'x-service-key': 'k-three' } })).status).toBe(401);
    expect((await TestClient.rejection(`${url}?api_key=k-on`)).status).toBe(401);
    // the default header is not the configured one
    expect((await TestClient.rejection(url, { headers: { 'x-api-key': 'k-one' } })).status).toBe(401);
  });
});

describe('configuration', () => {
  it('does not start when an ${env.NAME} an auth field needs is unset', async () => {
    await expect(start(flowWith('{ type: jwt, secret: "${env.JWT_SECRET_NOT_SET}" }'), { env: {} })).rejects.toThrow(AuthConfigError);
    await expect(start(flowWith('{ type: jwt, secret: "${env.JWT_SECRET_NOT_SET}" }'), { env: {} })).rejects.toThrow(/JWT_SECRET_NOT_SET/);
  });
});

describe('upgrade snippets see req.auth', () => {
  it('lets an upgrade snippet refuse by subject after the credential check', async () => {
    const yaml = flowWith('{ type: jwt, secret: "${env.JWT_SECRET}" }').replace(
      '    allowedOrigins: [https://app.example.com]\n',
      "    allowedOrigins: [https://app.example.com]\n    code: |\n      export default function upgrade(req: UpgradeRequest): UpgradeDecision | void {\n        if (req.auth?.subject !== 'alice') return { accept: false, status: 403, reason: 'alice only' };\n      }\n",
    );
    const flow = await start(yaml, { env: { JWT_SECRET: SECRET } });
    try {
      const url = `${flow.url}/s`;
      const { client } = await opened(url, { headers: { authorization: `Bearer ${await hs256({ sub: 'alice' })}` } });
      client.socket.terminate();
      const r = await TestClient.rejection(url, { headers: { authorization: `Bearer ${await hs256({ sub: 'bob' })}` } });
      expect(r).toMatchObject({ status: 403, body: expect.stringMatching(/alice only/) });
    } finally {
      await flow.stop({ drainTimeoutMs: 0 });
    }
  });
});
