import * as assert from 'node:assert/strict';
import { decodeJwt, signJwt, verifyJwt } from './jwt';
import { startEmulator } from './server';
import type { Emulator } from './server';
import { USERS, call, useEmulator } from './testUtil';

interface LoginBody {
  success: boolean;
  tokens: { access_token: string; refresh_token: string; expires_in: number; refresh_expires_in: number };
}

describe('emulator: login, JWT, refresh, logout', () => {
  const { em, url } = useEmulator();

  const refresh = (token: string) => call(url(), '/auth/refresh', { body: { refresh_token: token } });

  it('logs the seeded user in with the dev password and refuses a wrong one', async () => {
    const ok = await call(url(), '/auth/login', { body: { username: 'ada@example.com', password: 'modbox-dev', recaptchaToken: 'x' } });
    assert.equal(ok.status, 200);
    const body = ok.json as LoginBody;
    assert.equal(body.success, true);
    assert.deepEqual(Object.keys(body.tokens).sort(), ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token']);
    assert.equal(body.tokens.expires_in, 300);
    assert.equal(body.tokens.refresh_expires_in, 1800);

    const bad = await call(url(), '/auth/login', { body: { username: 'ada@example.com', password: 'nope', recaptchaToken: 'x' } });
    assert.equal(bad.status, 401);
    assert.equal(typeof (bad.json as { detail: unknown }).detail, 'string');

    const missing = await call(url(), '/auth/login', { body: { username: 'ada@example.com' } });
    assert.equal(missing.status, 422);
    const locs = (missing.json as { detail: Array<{ loc: string[] }> }).detail.map((d) => d.loc.join('.'));
    assert.deepEqual(locs, ['body.password', 'body.recaptchaToken']);
  });

  it('issues an HS256 access token with the Keycloak-style claims and the configured lifetime', async () => {
    const t = em().mintSession();
    const [head] = t.access_token.split('.');
    assert.deepEqual(JSON.parse(Buffer.from(head, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
    const c = decodeJwt(t.access_token) as Record<string, unknown>;
    assert.equal(c.sub, USERS.ada);
    assert.equal(c.email, 'ada@example.com');
    assert.equal(c.name, 'Ada Lovelace');
    assert.equal(c.preferred_username, 'ada');
    assert.equal(c.iss, url());
    assert.equal(typeof c.iat, 'number');
    assert.equal((c.exp as number) - (c.iat as number), 300);
    assert.ok(Math.abs((c.iat as number) - Date.now() / 1000) < 5);
  });

  it('rejects a token whose payload was altered or whose signature is not its own', async () => {
    const t = em().mintSession();
    const [h, p, s] = t.access_token.split('.');
    assert.equal((await call(url(), '/workspaces', { token: t.access_token })).status, 200);
    const claims = decodeJwt(t.access_token) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, email: 'mallory@example.com' })).toString('base64url');
    const forged = await call(url(), '/workspaces', { token: `${h}.${forgedPayload}.${s}` });
    assert.equal(forged.status, 401);
    assert.deepEqual(forged.json, { detail: 'Not authenticated' });
    assert.equal(forged.headers.get('www-authenticate'), 'Bearer');
    const otherKey = signJwt(claims, Buffer.from('not-the-emulator-secret'));
    assert.equal((await call(url(), '/workspaces', { token: otherKey })).status, 401);
    assert.equal((await call(url(), '/workspaces', { token: `${h}.${p}` })).status, 401);
    assert.equal((await call(url(), '/workspaces')).status, 401);
    // A refresh token is not an access token.
    assert.equal((await call(url(), '/workspaces', { token: t.refresh_token })).status, 401);
  });

  it('rotates refresh tokens: the new one works, the spent one is refused and counted as reuse', async () => {
    const first = em().mintSession();
    const r1 = await refresh(first.refresh_token);
    assert.equal(r1.status, 200);
    const next = (r1.json as LoginBody).tokens;
    assert.notEqual(next.refresh_token, first.refresh_token);
    assert.notEqual(next.access_token, first.access_token);
    assert.equal((await call(url(), '/workspaces', { token: next.access_token })).status, 200);

    const reused = await refresh(first.refresh_token);
    assert.equal(reused.status, 401);
    assert.equal(typeof (reused.json as { detail: unknown }).detail, 'string');
    assert.equal(em().stats().refreshReuse, 1);
    assert.equal(em().stats().refreshCalls, 2);
    // Reuse alone does not end the session unless configured to.
    assert.equal((await refresh(next.refresh_token)).status, 200);
  });

  it('can end the whole session on reuse (revokeFamilyOnReuse)', async () => {
    em().setConfig({ revokeFamilyOnReuse: true });
    const first = em().mintSession();
    const next = ((await refresh(first.refresh_token)).json as LoginBody).tokens;
    assert.equal((await refresh(first.refresh_token)).status, 401);
    assert.equal((await refresh(next.refresh_token)).status, 401);
    assert.equal((await call(url(), '/workspaces', { token: next.access_token })).status, 401);
  });

  it('without rotation returns the same refresh token, which keeps working', async () => {
    em().setConfig({ rotateRefreshTokens: false });
    const first = em().mintSession();
    const a = await refresh(first.refresh_token);
    const b = await refresh(first.refresh_token);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal((a.json as LoginBody).tokens.refresh_token, first.refresh_token);
    assert.equal(em().stats().refreshReuse, 0);
  });

  it('refuses unknown and malformed refresh tokens with 401 or 422', async () => {
    assert.equal((await refresh('nope')).status, 401);
    assert.equal((await refresh(em().mintSession().access_token)).status, 401);
    assert.equal((await call(url(), '/auth/refresh', { body: {} })).status, 422);
    assert.equal((await call(url(), '/auth/refresh', { rawBody: '{not json', headers: { 'Content-Type': 'application/json' } })).status, 422);
  });

  it('access tokens expire after their lifetime (moved clock)', async () => {
    em().setConfig({ accessTtlSeconds: 2 });
    const t = em().mintSession();
    assert.equal(t.expires_in, 2);
    assert.equal((await call(url(), '/workspaces', { token: t.access_token })).status, 200);
    em().advanceClock(2);
    const res = await call(url(), '/workspaces', { token: t.access_token });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    // The refresh token still gets a fresh one.
    assert.equal((await refresh(t.refresh_token)).status, 200);
  });

  it('refresh tokens expire for real (1 s lifetime, real clock)', async () => {
    em().setConfig({ refreshTtlSeconds: 1 });
    const t = em().mintSession();
    assert.equal(t.refresh_expires_in, 1);
    await new Promise((r) => setTimeout(r, 1100));
    const res = await refresh(t.refresh_token);
    assert.equal(res.status, 401);
    assert.equal(em().stats().refreshExpired, 1);
  });

  it('the HTTP clock control expires tokens for tests in another process', async () => {
    const t = (await call(url(), '/__emulator/session', { body: {} })).json as { refresh_token: string };
    assert.equal((await call(url(), '/__emulator/clock', { body: { advanceSeconds: 1801 } })).status, 200);
    assert.equal((await refresh(t.refresh_token)).status, 401);
  });

  it('logout ends the session: refresh and access tokens stop working, a second logout is a 404', async () => {
    const t = em().mintSession();
    const out = await call(url(), '/auth/logout', { body: { refresh_token: t.refresh_token } });
    assert.equal(out.status, 204);
    assert.equal(out.text, '');
    assert.equal((await refresh(t.refresh_token)).status, 401);
    assert.equal((await call(url(), '/workspaces', { token: t.access_token })).status, 401);
    assert.equal((await call(url(), '/auth/logout', { body: { refresh_token: t.refresh_token } })).status, 404);
    assert.equal(em().stats().logoutCalls, 2);
  });

  it('logout with a rotated-away refresh token still ends its session', async () => {
    const t = em().mintSession();
    const next = ((await refresh(t.refresh_token)).json as LoginBody).tokens;
    assert.equal((await call(url(), '/auth/logout', { body: { refresh_token: t.refresh_token } })).status, 204);
    assert.equal((await refresh(next.refresh_token)).status, 401);
  });
});

describe('emulator: injected clock', () => {
  let now = Date.UTC(2030, 0, 1);
  let em: Emulator;
  before(async () => {
    em = await startEmulator({ now: () => now, accessTtlSeconds: 5, refreshTtlSeconds: 2 });
  });
  after(() => em.close());

  it('uses the given clock for iat/exp and for expiry', async () => {
    const t = em.mintSession();
    const c = decodeJwt(t.access_token) as { iat: number; exp: number };
    assert.equal(c.iat, now / 1000);
    assert.equal(c.exp, now / 1000 + 5);
    now += 1999;
    const ok = await call(em.url, '/auth/refresh', { body: { refresh_token: t.refresh_token } });
    assert.equal(ok.status, 200);
    const next = (ok.json as LoginBody).tokens;
    now += 2000;
    assert.equal((await call(em.url, '/auth/refresh', { body: { refresh_token: next.refresh_token } })).status, 401);
  });
});

describe('emulator: jwt module', () => {
  it('verifies its own signature and nothing else', () => {
    const key = Buffer.from('k');
    const token = signJwt({ a: 1 }, key);
    assert.deepEqual(verifyJwt(token, key), { a: 1 });
    assert.equal(verifyJwt(token, Buffer.from('other')), undefined);
    const noneAlg = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${token.split('.')[1]}.`;
    assert.equal(verifyJwt(noneAlg, key), undefined);
  });
});
