import * as assert from 'node:assert/strict';
import { ModboxError, proxyError } from '../../../src/api/errors';
import { HttpClient, parseRetryAfter, type HttpClientOptions } from '../../../src/api/http';
import { FakeClock } from '../../support/fakeClock';
import { rejection } from '../../support/rejection';
import { FakeTransport, json, type Step } from '../../support/fakeTransport';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';
const BASE = 'https://api.modbox.run';

function client(transport: FakeTransport, clock = new FakeClock(), extra: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({ transport, baseUrl: BASE, version: '1.2.3', clock, random: () => 0.5, ...extra });
}

async function rejects(promise: Promise<unknown>, kind: string): Promise<ModboxError> {
  return rejection<ModboxError>(promise, (err) => {
    assert.ok(err instanceof ModboxError, `not a ModboxError: ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    assert.ok(!err.message.includes(TOKEN) && !err.message.includes('c2lnbmF0dXJl'), 'token in error message');
  });
}

describe('HttpClient', () => {
  describe('requests', () => {
    it('sends JSON with auth, workspace and identification headers', async () => {
      const t = new FakeTransport(json(201, { ok: true }));
      const res = await client(t).request({ method: 'POST', path: '/api-tokens/', token: TOKEN, workspaceId: 'ws-1', body: { description: 'ci' } });
      assert.deepEqual(res.json, { ok: true });
      assert.equal(res.status, 201);
      const [req] = t.requests;
      assert.equal(req.url, 'https://api.modbox.run/api-tokens/');
      assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(req.headers['x-workspace-id'], 'ws-1');
      assert.equal(req.headers['user-agent'], 'vscode-modbox/1.2.3');
      assert.equal(req.headers['content-type'], 'application/json');
      assert.equal(req.body, '{"description":"ci"}');
      assert.ok(!req.url.includes(TOKEN));
    });

    it('joins paths below an API URL that has a path', async () => {
      const t = new FakeTransport(json(200, []));
      await client(t, new FakeClock(), { baseUrl: 'https://modbox.example.com/api/' }).request({ method: 'GET', path: '/workspaces' });
      assert.equal(t.requests[0].url, 'https://modbox.example.com/api/workspaces');
    });

    it('omits optional headers when not given', async () => {
      const t = new FakeTransport({ status: 204 });
      const res = await client(t).request({ method: 'DELETE', path: '/api-tokens/t1' });
      assert.equal(res.json, undefined);
      assert.equal(t.requests[0].headers.authorization, undefined);
      assert.equal(t.requests[0].headers['x-workspace-id'], undefined);
      assert.equal(t.requests[0].body, undefined);
    });

    it('refuses paths that would leave the API origin', async () => {
      for (const path of ['//evil.example/x', 'workspaces', '/a b', '/x#frag']) {
        await rejects(client(new FakeTransport()).request({ method: 'GET', path }), 'insecureUrl');
      }
    });

    it('refuses a credential that would break the header, without echoing it', async () => {
      await rejects(client(new FakeTransport()).request({ method: 'GET', path: '/x', token: `${TOKEN}\r\nX-Evil: 1` }), 'unauthorized');
    });
  });

  describe('responses', () => {
    it('maps statuses to error kinds', async () => {
      const cases: Array<[number, string]> = [[401, 'unauthorized'], [403, 'forbidden'], [404, 'notFound'], [400, 'validation'], [409, 'validation']];
      for (const [status, kind] of cases) {
        await rejects(client(new FakeTransport(json(status, { detail: 'nope' }))).request({ method: 'POST', path: '/x', token: TOKEN }), kind);
      }
    });

    it('reports FastAPI validation errors with their field', async () => {
      const t = new FakeTransport(json(422, { detail: [{ loc: ['body', 'description'], msg: 'Field required', type: 'missing' }] }));
      const err = await rejects(client(t).request({ method: 'POST', path: '/api-tokens/', body: {} }), 'validation');
      assert.equal(err.message, 'description: Field required');
      assert.equal(err.field, 'description');
    });

    it('treats {success:false} in a 2xx as a failure with the server message', async () => {
      const err = await rejects(client(new FakeTransport(json(200, { success: false, error: 'Sandbox not found' }))).request({ method: 'POST', path: '/sandboxes/destroy' }), 'rejected');
      assert.equal(err.detail, 'Sandbox not found');
      assert.match(err.message, /Sandbox not found/);
    });

    it('calls malformed JSON a bad response', async () => {
      await rejects(client(new FakeTransport({ status: 200, body: '{"workspaces": [' })).request({ method: 'GET', path: '/x' }), 'badResponse');
    });

    it('recognises a login page from a captive portal', async () => {
      const t = new FakeTransport({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html><form>Hotel Wi-Fi login</form></html>' });
      const err = await rejects(client(t).request({ method: 'GET', path: '/x' }), 'badResponse');
      assert.match(err.message, /web page/);
      assert.ok(!err.message.includes('Hotel'));
    });

    it('never shows a 5xx HTML body or echoes secrets from the body', async () => {
      const page = `<html><body>Internal error for Bearer ${TOKEN}</body></html>`;
      const t = new FakeTransport({ status: 500, headers: { 'content-type': 'text/html' }, body: page });
      const err = await rejects(client(t).request({ method: 'POST', path: '/x', token: TOKEN }), 'server');
      assert.equal(err.message, 'Modbox is having trouble (HTTP 500). Try again in a moment.');
    });

    it('removes the credentials it sent when the server echoes them in an error', async () => {
      const opaque = 'opaque-credential-0123456789';
      const t = new FakeTransport(json(403, { detail: `Credential ${opaque} lacks scope` }), json(400, { detail: `bad refresh ${opaque}; description ci` }));
      const c = client(t);
      const forbidden = await rejects(c.request({ method: 'GET', path: '/x', token: opaque }), 'forbidden');
      assert.equal(forbidden.detail, 'Credential <redacted> lacks scope');
      const invalid = await rejects(c.request({ method: 'POST', path: '/auth/refresh', body: { refresh_token: opaque, description: 'ci' } }), 'validation');
      assert.equal(invalid.message, 'bad refresh <redacted>; description ci');
    });
  });

  describe('redirects', () => {
    it('follows a same-origin 307 keeping method, body and Authorization', async () => {
      const t = new FakeTransport({ status: 307, headers: { location: '/api-tokens/' } }, json(201, { id: 't' }));
      const res = await client(t).request({ method: 'POST', path: '/api-tokens', token: TOKEN, body: { description: 'x' } });
      assert.deepEqual(res.json, { id: 't' });
      assert.equal(t.requests[1].url, 'https://api.modbox.run/api-tokens/');
      assert.equal(t.requests[1].method, 'POST');
      assert.equal(t.requests[1].body, '{"description":"x"}');
      assert.equal(t.requests[1].headers.authorization, `Bearer ${TOKEN}`);
    });

    it('turns a 303 into a GET without body', async () => {
      const t = new FakeTransport({ status: 303, headers: { location: 'https://api.modbox.run/result' } }, json(200, {}));
      await client(t).request({ method: 'POST', path: '/x', body: { a: 1 } });
      assert.equal(t.requests[1].method, 'GET');
      assert.equal(t.requests[1].body, undefined);
    });

    it('refuses a redirect to another origin without ever contacting it', async () => {
      for (const location of ['https://evil.example/steal', 'http://api.modbox.run/x', 'https://api.modbox.run:8443/x', '//evil.example/x']) {
        const t = new FakeTransport({ status: 308, headers: { location } });
        const err = await rejects(client(t).request({ method: 'GET', path: '/workspaces', token: TOKEN }), 'badResponse');
        assert.match(err.message, /does not follow redirects to other sites/);
        assert.equal(t.requests.length, 1);
      }
    });

    it('stops after 3 hops', async () => {
      const loop = { status: 307, headers: { location: '/again' } };
      const t = new FakeTransport(loop, loop, loop, loop, json(200, {}));
      const err = await rejects(client(t).request({ method: 'GET', path: '/x' }), 'badResponse');
      assert.match(err.message, /too many redirects/);
      assert.equal(t.requests.length, 4);
    });
  });

  describe('retries', () => {
    it('retries a GET on 503 with growing, jittered backoff, then succeeds', async () => {
      const clock = new FakeClock();
      const start = clock.now();
      const t = new FakeTransport({ status: 503 }, { networkCode: 'ECONNRESET' }, json(200, { ok: 1 }));
      const res = await clock.run(client(t, clock, { baseBackoffMs: 1000 }).request({ method: 'GET', path: '/workspaces' }));
      assert.deepEqual(res.json, { ok: 1 });
      assert.equal(t.requests.length, 3);
      // random()=0.5: 750 ms then 1500 ms.
      assert.equal(clock.now() - start, 750 + 1500);
    });

    it('gives up after 3 attempts with the last error', async () => {
      const clock = new FakeClock();
      const t = new FakeTransport({ status: 502 }, { status: 503 }, { status: 504 }, json(200, {}));
      const err = await clock.run(rejects(client(t, clock).request({ method: 'GET', path: '/x' }), 'server'));
      assert.equal(err.status, 504);
      assert.equal(t.requests.length, 3);
    });

    it('retries timeouts on GET', async () => {
      const clock = new FakeClock();
      const t = new FakeTransport({ networkCode: 'UND_ERR_HEADERS_TIMEOUT' }, json(200, []));
      await clock.run(client(t, clock).request({ method: 'GET', path: '/x' }));
      assert.equal(t.requests.length, 2);
    });

    it('does not retry a GET on 4xx, TLS, DNS or proxy failures', async () => {
      const proxyRefusal: Step = () => {
        throw proxyError('proxy.corp.example:8080', { status: 407 });
      };
      const cases: [Step, string][] = [
        [json(401, {}), 'unauthorized'], [json(404, {}), 'notFound'], [{ networkCode: 'CERT_HAS_EXPIRED' }, 'tls'],
        [{ networkCode: 'ENOTFOUND' }, 'dns'], [proxyRefusal, 'proxy'],
      ];
      for (const [step, kind] of cases) {
        const t = new FakeTransport(step, json(200, {}));
        await rejects(client(t).request({ method: 'GET', path: '/x' }), kind);
        assert.equal(t.requests.length, 1, `${kind} retried`);
      }
    });

    it('never retries POST, PUT or PATCH', async () => {
      for (const method of ['POST', 'PUT', 'PATCH'] as const) {
        const cases: [Step, string][] = [
          [{ status: 503 }, 'server'], [{ networkCode: 'ECONNRESET' }, 'offline'], [{ networkCode: 'ECONNREFUSED' }, 'offline'],
          [json(429, {}, { 'retry-after': '1' }), 'rateLimited'],
        ];
        for (const [step, kind] of cases) {
          const t = new FakeTransport(step, json(200, {}));
          await rejects(client(t).request({ method, path: '/api-tokens/', body: {} }), kind);
          assert.equal(t.requests.length, 1, `${method} retried`);
        }
      }
    });

    it('retries DELETE only when the connection was never opened', async () => {
      const clock = new FakeClock();
      const refused = new FakeTransport({ networkCode: 'ECONNREFUSED' }, { status: 204 });
      await clock.run(client(refused, clock).request({ method: 'DELETE', path: '/api-tokens/t1' }));
      assert.equal(refused.requests.length, 2);
      const cases: [Step, string][] = [[{ networkCode: 'ECONNRESET' }, 'offline'], [{ networkCode: 'UND_ERR_HEADERS_TIMEOUT' }, 'timeout'], [{ status: 503 }, 'server']];
      for (const [step, kind] of cases) {
        const t = new FakeTransport(step, { status: 204 });
        await rejects(client(t, clock).request({ method: 'DELETE', path: '/api-tokens/t1' }), kind);
        assert.equal(t.requests.length, 1);
      }
    });

    it('waits out a short Retry-After on 429', async () => {
      const clock = new FakeClock();
      const start = clock.now();
      const t = new FakeTransport(json(429, { detail: 'slow down' }, { 'retry-after': '3' }), json(200, []));
      await clock.run(client(t, clock).request({ method: 'GET', path: '/x' }));
      assert.equal(t.requests.length, 2);
      assert.equal(clock.now() - start, 3000);
    });

    it('throws rateLimited with the wait when Retry-After is long', async () => {
      const t = new FakeTransport(json(429, {}, { 'retry-after': '120' }), json(200, []));
      const err = await rejects(client(t).request({ method: 'GET', path: '/x' }), 'rateLimited');
      assert.equal(err.retryAfterMs, 120_000);
      assert.equal(err.message, 'Modbox is rate limiting requests. Try again in 120 seconds.');
      assert.equal(t.requests.length, 1);
    });

    it('stays within the retry budget', async () => {
      const clock = new FakeClock();
      const t = new FakeTransport({ status: 503 }, { status: 503 }, json(200, {}));
      await clock.run(rejects(client(t, clock, { retryBudgetMs: 500, baseBackoffMs: 1000 }).request({ method: 'GET', path: '/x' }), 'server'));
      assert.equal(t.requests.length, 1);
    });

    it('stops retrying when cancelled during backoff', async () => {
      const clock = new FakeClock();
      const controller = new AbortController();
      const t = new FakeTransport({ status: 503 }, json(200, {}));
      const pending = client(t, clock).request({ method: 'GET', path: '/x', signal: controller.signal });
      const check = rejects(pending, 'cancelled');
      await clock.advance(10);
      controller.abort();
      await check;
      await clock.advance(60_000);
      assert.equal(t.requests.length, 1);
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T10:00:00Z');
  it('reads seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('5', now), 5000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Wed, 01 May 2024 10:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 01 May 2024 09:00:00 GMT', now), 0);
  });
  it('ignores garbage', () => {
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
  });
});
