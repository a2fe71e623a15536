import * as assert from 'node:assert/strict';
import { call, useEmulator } from './testUtil';

interface TokenItem {
  id: string;
  description: string;
  token_prefix: string;
  created_at: string;
  last_used_at: string | null;
}

interface Created {
  id: string;
  description: string;
  token: string;
  created_at: string;
}

interface FieldError {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

describe('emulator: API tokens', () => {
  const { em, url } = useEmulator();
  let jwt = '';
  beforeEach(() => {
    jwt = em().mintSession().access_token;
  });

  const list = async (): Promise<TokenItem[]> => {
    const res = await call(url(), '/api-tokens/', { token: jwt });
    assert.equal(res.status, 200);
    return res.json as TokenItem[];
  };
  const create = (description: unknown) => call(url(), '/api-tokens/', { token: jwt, body: { description } });

  it('lists the seeded tokens with prefixes and dates, never the full values', async () => {
    const items = await list();
    assert.deepEqual(items.map((t) => t.description), ['ci-pipeline', 'laptop', 'deploy-bot']);
    assert.deepEqual(Object.keys(items[0]).sort(), ['created_at', 'description', 'id', 'last_used_at', 'token_prefix']);
    for (const t of items) {
      assert.match(t.token_prefix, /^mbx_.{4}$/);
      assert.ok(!Number.isNaN(Date.parse(t.created_at)));
    }
    assert.equal(items[1].last_used_at, null);
    assert.equal(typeof items[0].last_used_at, 'string');
    const text = JSON.stringify(items);
    for (const secret of em().issuedSecrets().filter((s) => s.startsWith('mbx_'))) {
      assert.ok(!text.includes(secret));
    }
  });

  it('creates a token, shows its value once, and lists it by prefix', async () => {
    const res = await create('my laptop');
    assert.equal(res.status, 201);
    const created = res.json as Created;
    assert.deepEqual(Object.keys(created).sort(), ['created_at', 'description', 'id', 'token']);
    assert.match(created.token, /^mbx_[A-Za-z0-9_-]{20,}$/);
    assert.equal(created.description, 'my laptop');
    assert.ok(em().issuedSecrets().includes(created.token));
    const items = await list();
    const listed = items.find((t) => t.id === created.id);
    assert.ok(listed);
    assert.equal(listed.token_prefix, created.token.slice(0, 8));
    assert.equal(listed.last_used_at, null);
  });

  it('revokes by id and by value; an unknown token is a 404', async () => {
    const items = await list();
    const byId = await call(url(), `/api-tokens/${items[0].id}`, { method: 'DELETE', token: jwt });
    assert.equal(byId.status, 204);
    const created = (await create('temp')).json as Created;
    const byValue = await call(url(), `/api-tokens/${encodeURIComponent(created.token)}`, { method: 'DELETE', token: jwt });
    assert.equal(byValue.status, 204);
    assert.deepEqual((await list()).map((t) => t.description), ['laptop', 'deploy-bot']);
    // The revoked token no longer authenticates.
    assert.equal((await call(url(), '/workspaces', { token: created.token })).status, 401);
    const again = await call(url(), `/api-tokens/${items[0].id}`, { method: 'DELETE', token: jwt });
    assert.equal(again.status, 404);
    assert.deepEqual(again.json, { detail: 'Token not found' });
  });

  it('cannot revoke another user\'s token', async () => {
    const grace = em().mintSession('grace@example.com').access_token;
    const res = await call(url(), '/api-tokens/0d000000-0000-4000-8000-000000000001', { method: 'DELETE', token: grace });
    assert.equal(res.status, 404);
    assert.equal((await list()).length, 3);
  });

  it('validates the description FastAPI-style (422)', async () => {
    const cases: Array<[unknown, string]> = [[undefined, 'missing'], ['', 'string_too_short'], ['x'.repeat(256), 'string_too_long'], [42, 'string_type']];
    for (const [description, type] of cases) {
      const res = description === undefined ? await call(url(), '/api-tokens/', { token: jwt, body: {} }) : await create(description);
      assert.equal(res.status, 422, type);
      const detail = (res.json as { detail: FieldError[] }).detail;
      assert.equal(detail.length, 1);
      assert.deepEqual(detail[0].loc, ['body', 'description']);
      assert.equal(detail[0].type, type);
      assert.equal(typeof detail[0].msg, 'string');
    }
    assert.equal((await create('x'.repeat(255))).status, 201);
    const bad = await call(url(), '/api-tokens/', { token: jwt, rawBody: '{"description":', headers: { 'Content-Type': 'application/json' } });
    assert.equal(bad.status, 422);
    assert.equal((bad.json as { detail: FieldError[] }).detail[0].type, 'json_invalid');
    assert.equal((await list()).length, 4);
  });

  it('redirects the unslashed path with 307 for any method', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await call(url(), '/api-tokens', { method, token: jwt });
      assert.equal(res.status, 307, method);
      assert.equal(res.headers.get('location'), `${url()}/api-tokens/`);
    }
  });

  it('can point the 307 at another origin (to test that clients drop Authorization)', async () => {
    em().setConfig({ slashRedirectOrigin: 'http://127.0.0.3:9' });
    const res = await call(url(), '/api-tokens', { token: jwt });
    assert.equal(res.headers.get('location'), 'http://127.0.0.3:9/api-tokens/');
  });

  it('refuses API tokens on token management (403) but accepts them elsewhere, updating last_used_at', async () => {
    const created = (await create('ci')).json as Created;
    for (const [method, path] of [['GET', '/api-tokens/'], ['POST', '/api-tokens/'], ['DELETE', `/api-tokens/${created.id}`]]) {
      const res = await call(url(), path, { method, token: created.token, body: method === 'POST' ? { description: 'x' } : undefined });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.deepEqual(res.json, { detail: 'API tokens cannot manage API tokens' });
    }
    assert.equal((await list()).find((t) => t.id === created.id)?.last_used_at, null);
    const ws = await call(url(), '/workspaces', { token: created.token });
    assert.equal(ws.status, 200);
    assert.equal((ws.json as { workspaces: unknown[] }).workspaces.length, 3);
    const used = (await list()).find((t) => t.id === created.id);
    assert.ok(used?.last_used_at && !Number.isNaN(Date.parse(used.last_used_at)));
  });

  it('answers 401 without credentials and for an unknown mbx_ token', async () => {
    const none = await call(url(), '/api-tokens/');
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.equal((await call(url(), '/api-tokens/', { token: 'mbx_unknown' })).status, 401);
  });
});
