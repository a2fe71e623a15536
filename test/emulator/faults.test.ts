import * as assert from 'node:assert/strict';
import { FaultTable, parseFaultSpec, routeMatches } from './faults';
import { call, useEmulator } from './testUtil';

describe('emulator: fault injection', () => {
  const { em, url } = useEmulator();
  let jwt = '';
  beforeEach(() => {
    jwt = em().mintSession().access_token;
  });
  const workspaces = () => call(url(), '/workspaces', { token: jwt });

  it('status: answers the injected 5xx with a JSON detail', async () => {
    em().setFault('GET /workspaces', { kind: 'status', status: 503 });
    const res = await workspaces();
    assert.equal(res.status, 503);
    assert.equal(typeof (res.json as { detail: unknown }).detail, 'string');
    // Other routes are untouched.
    assert.equal((await call(url(), '/api-tokens/', { token: jwt })).status, 200);
    assert.equal(em().stats().requests.find((r) => r.status === 503)?.fault, 'status:503');
  });

  it('times: applies to the next n matching requests only, then clears itself', async () => {
    em().setFault('GET /workspaces', { kind: 'status', status: 502, times: 2 });
    assert.deepEqual([(await workspaces()).status, (await workspaces()).status, (await workspaces()).status], [502, 502, 200]);
    assert.deepEqual(em().faults(), []);
  });

  it('rateLimit: 429 with Retry-After', async () => {
    em().setFault('POST /auth/refresh', { kind: 'rateLimit', retryAfterSeconds: 7, times: 1 });
    const res = await call(url(), '/auth/refresh', { body: { refresh_token: 'x' } });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
    assert.equal((await call(url(), '/auth/refresh', { body: { refresh_token: 'x' } })).status, 401);
  });

  it('reset: the connection dies without an answer', async () => {
    em().setFault('GET /workspaces', { kind: 'reset', times: 1 });
    await assert.rejects(workspaces(), TypeError);
    assert.equal((await workspaces()).status, 200);
    assert.equal(em().stats().requests[0].status, 0);
  });

  it('hang: no answer until the client gives up', async () => {
    em().setFault('GET /workspaces', { kind: 'hang', times: 1 });
    await assert.rejects(call(url(), '/workspaces', { token: jwt, signal: AbortSignal.timeout(200) }), { name: 'TimeoutError' });
    assert.equal((await workspaces()).status, 200);
  });

  it('malformed: 200 with a JSON body cut short', async () => {
    em().setFault('GET /workspaces', { kind: 'malformed' });
    const res = await workspaces();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.throws(() => JSON.parse(res.text), SyntaxError);
  });

  it('html: a proxy error page with the given status', async () => {
    em().setFault('*', { kind: 'html', status: 502 });
    const res = await workspaces();
    assert.equal(res.status, 502);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.text, /<html>/);
  });

  it('latency: the answer comes no sooner than the delay, and unchanged', async () => {
    em().setFault('GET /workspaces', { kind: 'latency', ms: 150, times: 1 });
    const started = Date.now();
    const res = await workspaces();
    assert.ok(Date.now() - started >= 140);
    assert.equal(res.status, 200);
    assert.equal((res.json as { workspaces: unknown[] }).workspaces.length, 3);
  });

  it('latency adds to a terminal fault on the same request', async () => {
    em().setFault('*', { kind: 'latency', ms: 50 });
    em().setFault('GET /workspaces', { kind: 'status', status: 500 });
    const started = Date.now();
    assert.equal((await workspaces()).status, 500);
    assert.ok(Date.now() - started >= 45);
  });

  it('hostile bodies: huge, deep, wrong types, prototype keys, markup, null, empty', async function () {
    // Builds an 8 MB body once; slow on a loaded machine.
    this.timeout(20_000);
    const body = async (variant: string, path = '/workspaces'): Promise<string> => {
      em().setFault(`* ${path}`, { kind: 'hostile', variant } as never);
      const res = await call(url(), path, { token: jwt });
      assert.equal(res.status, 200, variant);
      return res.text;
    };
    assert.ok((await body('huge')).length > 5_000_000);
    assert.ok((await body('deep')).startsWith('[[[[[[[['));
    assert.equal(typeof (JSON.parse(await body('wrongTypes')) as { workspaces: unknown }).workspaces, 'string');
    const proto = JSON.parse(await body('proto', '/api-tokens/')) as Array<Record<string, unknown>>;
    assert.ok(Object.prototype.hasOwnProperty.call(proto[0], '__proto__'));
    assert.match(await body('markup'), /<script>/);
    // A workspace's detail carries hostile members too, so a client renders them.
    const detailPath = '/workspaces/0b000000-0000-4000-8000-000000000001';
    for (const variant of ['proto', 'markup', 'wrongTypes']) {
      const detail = JSON.parse(await body(variant, detailPath)) as { id: unknown; members: unknown[] };
      assert.ok(detail.id, variant);
      assert.ok(Array.isArray(detail.members) && detail.members.length > 0, `${variant}: no members`);
    }
    const protoDetail = JSON.parse(await body('proto', detailPath)) as { members: Array<Record<string, unknown>> };
    assert.ok(Object.prototype.hasOwnProperty.call(protoDetail.members[0], '__proto__'));
    assert.match(await body('markup', detailPath), /onerror/);
    assert.equal(await body('null'), 'null');
    assert.equal(await body('empty'), '');
  });

  it('never applies to the control API, and can be listed and cleared over HTTP', async () => {
    const set = await call(url(), '/__emulator/faults', { body: { route: '*', fault: { kind: 'status', status: 500 } } });
    assert.equal(set.status, 200);
    assert.equal((await call(url(), '/__emulator/stats')).status, 200);
    assert.equal((await workspaces()).status, 500);
    assert.equal((await call(url(), '/__emulator/faults', { method: 'DELETE' })).status, 204);
    assert.equal((await workspaces()).status, 200);
    await call(url(), '/__emulator/faults', { body: { route: 'GET /workspaces', fault: { kind: 'status', status: 503 } } });
    await call(url(), '/__emulator/faults', { body: { route: 'GET /workspaces', fault: null } });
    assert.equal((await workspaces()).status, 200);
    const bad = await call(url(), '/__emulator/faults', { body: { route: 'GET /workspaces', fault: { kind: 'explode' } } });
    assert.equal(bad.status, 400);
  });
});

describe('emulator: fault routes', () => {
  it('matches method and path globs', () => {
    assert.ok(routeMatches('*', 'GET', '/anything'));
    assert.ok(routeMatches('DELETE /api-tokens/*', 'DELETE', '/api-tokens/mbx_abc'));
    assert.ok(!routeMatches('DELETE /api-tokens/*', 'GET', '/api-tokens/mbx_abc'));
    assert.ok(!routeMatches('GET /api-tokens/', 'GET', '/api-tokens'));
    assert.ok(routeMatches('* /workspaces/**', 'PUT', '/workspaces/a/members/b'));
    assert.ok(!routeMatches('GET /workspaces/*', 'GET', '/workspaces/a/members'));
  });

  it('parses CLI fault specs', () => {
    assert.deepEqual(parseFaultSpec('GET /workspaces=status:503@2'), { route: 'GET /workspaces', fault: { kind: 'status', status: 503, times: 2 } });
    assert.deepEqual(parseFaultSpec('*=latency:200'), { route: '*', fault: { kind: 'latency', ms: 200 } });
    assert.deepEqual(parseFaultSpec('post /auth/refresh=rateLimit:5'), { route: 'POST /auth/refresh', fault: { kind: 'rateLimit', retryAfterSeconds: 5 } });
    assert.deepEqual(parseFaultSpec('GET /api-tokens/=hostile:deep'), { route: 'GET /api-tokens/', fault: { kind: 'hostile', variant: 'deep' } });
    assert.throws(() => parseFaultSpec('GET /workspaces=explode'), /kind must be one of/);
    assert.throws(() => parseFaultSpec('nonsense'), /bad --fault "nonsense": expected ROUTE=KIND/);
  });

  it('a table keeps one fault per route', () => {
    const t = new FaultTable();
    t.set('GET /x', { kind: 'status', status: 500 });
    t.set('get /x', { kind: 'status', status: 503 });
    assert.deepEqual(t.take('GET', '/x').fault, { kind: 'status', status: 503 });
  });
});
