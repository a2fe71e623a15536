import * as assert from 'node:assert/strict';
import { buildStore } from './data';
import { startEmulator } from './server';
import type { Stats } from './server';
import { ADA_WORKSPACES, call, useEmulator } from './testUtil';

describe('emulator: control API', () => {
  const { em, url } = useEmulator();

  it('mints a session over HTTP for the default or a named user', async () => {
    const res = await call(url(), '/__emulator/session', { body: {} });
    assert.equal(res.status, 200);
    const t = res.json as { access_token: string; refresh_token: string; expires_in: number; refresh_expires_in: number };
    assert.equal(t.expires_in, 300);
    assert.equal((await call(url(), '/workspaces', { token: t.access_token })).status, 200);
    const kat = (await call(url(), '/__emulator/session', { body: { email: 'katherine@example.com' } })).json as { access_token: string };
    const ws = (await call(url(), '/workspaces', { token: kat.access_token })).json as { workspaces: Array<{ name: string }> };
    assert.deepEqual(ws.workspaces.map((w) => w.name), []);
    // A user unknown so far is created with a default workspace, as at sign-up.
    const neu = (await call(url(), '/__emulator/session', { body: { email: 'new@example.com' } })).json as { access_token: string };
    const theirs = (await call(url(), '/workspaces', { token: neu.access_token })).json as { workspaces: Array<{ name: string; role: string }> };
    assert.deepEqual(theirs.workspaces.map((w) => [w.name, w.role]), [['Personal', 'owner']]);
  });

  it('records each request (method, path without query, status, X-Workspace-Id) and never the token values', async () => {
    const t = em().mintSession();
    const created = (await call(url(), '/api-tokens/', { token: t.access_token, body: { description: 'x' } })).json as { token: string; id: string };
    await call(url(), `/api-tokens/${created.token}?secret=1`, { method: 'DELETE', token: t.access_token });
    await call(url(), '/workspaces?x=1', { token: t.access_token, headers: { 'X-Workspace-Id': ADA_WORKSPACES.engines } });
    const stats = (await call(url(), '/__emulator/stats')).json as Stats;
    assert.deepEqual(stats.requests.map((r) => [r.method, r.path, r.status, r.workspaceId, r.auth]), [
      ['POST', '/api-tokens/', 201, null, 'jwt'],
      ['DELETE', '/api-tokens/mbx_[redacted]', 204, null, 'jwt'],
      ['GET', '/workspaces', 200, ADA_WORKSPACES.engines, 'jwt'],
    ]);
    const text = JSON.stringify(stats);
    for (const secret of em().issuedSecrets()) {
      assert.ok(!text.includes(secret));
    }
    assert.equal((await call(url(), '/__emulator/stats/reset', { method: 'POST' })).status, 204);
    assert.deepEqual(((await call(url(), '/__emulator/stats')).json as Stats).requests, []);
  });

  it('lists every issued secret: seeded, minted and created', async () => {
    const minted = em().mintSession();
    const created = (await call(url(), '/api-tokens/', { token: minted.access_token, body: { description: 'y' } })).json as { token: string };
    const secrets = ((await call(url(), '/__emulator/issued-secrets')).json as { secrets: string[] }).secrets;
    assert.ok(secrets.includes(minted.access_token));
    assert.ok(secrets.includes(minted.refresh_token));
    assert.ok(secrets.includes(created.token));
    assert.ok(secrets.filter((s) => s.startsWith('mbx_')).length >= 4);
  });

  it('lists the live API tokens with their values; a revoked one is gone', async () => {
    const minted = em().mintSession();
    const created = (await call(url(), '/api-tokens/', { token: minted.access_token, body: { description: 'VS Code terminal – h' } })).json as { id: string; token: string };
    type Listed = { tokens: Array<{ id: string; description: string; value: string; userId: string }> };
    const listed = ((await call(url(), '/__emulator/api-tokens')).json as Listed).tokens;
    assert.deepEqual(listed.filter((t) => t.id === created.id).map((t) => [t.description, t.value]), [['VS Code terminal – h', created.token]]);
    await call(url(), `/api-tokens/${created.id}`, { method: 'DELETE', token: minted.access_token });
    assert.ok(!((await call(url(), '/__emulator/api-tokens')).json as Listed).tokens.some((t) => t.id === created.id));
  });

  it('reset restores the seed, config and faults, and ends sessions', async () => {
    const t = em().mintSession();
    const tokens = (await call(url(), '/api-tokens/', { token: t.access_token })).json as Array<{ id: string }>;
    await call(url(), `/api-tokens/${tokens[0].id}`, { method: 'DELETE', token: t.access_token });
    await call(url(), '/__emulator/config', { body: { accessTtlSeconds: 3 } });
    em().setFault('GET /sandboxes', { kind: 'status', status: 500 });
    assert.equal((await call(url(), '/__emulator/reset', { method: 'POST' })).status, 200);
    assert.equal((await call(url(), '/workspaces', { token: t.access_token })).status, 401);
    const fresh = em().mintSession();
    assert.equal(fresh.expires_in, 300);
    assert.equal(((await call(url(), '/api-tokens/', { token: fresh.access_token })).json as unknown[]).length, 3);
    assert.equal((await call(url(), '/sandboxes', { token: fresh.access_token })).status, 200);
    assert.deepEqual(em().stats().requests.map((r) => [r.path, r.status]), [['/workspaces', 401], ['/api-tokens/', 200], ['/sandboxes', 200]]);
  });

  it('reset can switch seeds, including a bulk one', async () => {
    await call(url(), '/__emulator/reset', { body: { seed: { workspaces: 50, tokens: 70 } } });
    const t = em().mintSession();
    assert.equal(((await call(url(), '/workspaces', { token: t.access_token })).json as { workspaces: unknown[] }).workspaces.length, 50);
    assert.equal(((await call(url(), '/api-tokens/', { token: t.access_token })).json as unknown[]).length, 70);
    await call(url(), '/__emulator/reset', { body: { seed: 'default' } });
    assert.equal(((await call(url(), '/api-tokens/', { token: em().mintSession().access_token })).json as unknown[]).length, 3);
    assert.equal((await call(url(), '/__emulator/reset', { body: { seed: { workspaces: -1 } } })).status, 400);
  });

  it('the hostile seed puts markup and control characters into real names', async () => {
    await call(url(), '/__emulator/reset', { body: { seed: 'hostile' } });
    const t = em().mintSession();
    const names = ((await call(url(), '/workspaces', { token: t.access_token })).json as { workspaces: Array<{ name: string }> }).workspaces.map((w) => w.name);
    assert.ok(names.some((n) => n.includes('<img')));
    assert.ok(names.some((n) => n.includes('\u0000')));
    assert.ok(names.includes('__proto__'));
  });

  it('validates config changes with 400s', async () => {
    assert.equal((await call(url(), '/__emulator/config', { body: { ssoResponseMode: 'nope' } })).status, 400);
    assert.equal((await call(url(), '/__emulator/config', { body: { accessTtlSeconds: -1 } })).status, 400);
    assert.equal((await call(url(), '/__emulator/config', { rawBody: '[' })).status, 400);
    const ok = await call(url(), '/__emulator/config', { body: { autoConsent: 'approve', latencyMs: 0 } });
    assert.equal(ok.status, 200);
    assert.equal((ok.json as { autoConsent: string }).autoConsent, 'approve');
  });

  it('answers 404/405 like FastAPI for unknown paths and methods', async () => {
    assert.deepEqual((await call(url(), '/nope')).json, { detail: 'Not Found' });
    assert.equal((await call(url(), '/workspaces', { method: 'PATCH' })).status, 405);
  });
});

describe('emulator: big seed', () => {
  // Its speed is the bench's business (npm run bench), not a timed test's.
  it('builds 1,000 workspaces and 5,000 tokens and serves them', async () => {
    const store = buildStore({ workspaces: 1000, tokens: 5000 });
    assert.equal(store.tokens.size, 5001); // Grace keeps her one token.
    const em = await startEmulator({ seed: { workspaces: 1000, tokens: 5000 } });
    try {
      const t = em.mintSession();
      const ws = (await call(em.url, '/workspaces', { token: t.access_token })).json as { workspaces: Array<{ id: string }> };
      assert.equal(ws.workspaces.length, 1000);
      assert.equal(new Set(ws.workspaces.map((w) => w.id)).size, 1000);
      assert.equal(((await call(em.url, '/api-tokens/', { token: t.access_token })).json as unknown[]).length, 5000);
    } finally {
      await em.close();
    }
  });

  it('runs on another loopback address and refuses non-loopback hosts', async () => {
    const em = await startEmulator({ host: '127.0.0.2' });
    try {
      assert.match(em.url, /^http:\/\/127\.0\.0\.2:\d+$/);
      assert.equal((await call(em.url, '/__emulator/stats')).status, 200);
    } finally {
      await em.close();
    }
    await assert.rejects(startEmulator({ host: '0.0.0.0' }), /loopback/);
  });
});
