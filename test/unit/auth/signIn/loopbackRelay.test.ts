import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { MAX_RELAY_BODY, startRelay, type Relay } from '../../../../src/auth/signIn/loopbackRelay';
import { FakeClock } from '../../../support/fakeClock';
import { CaptureLog } from '../helpers';

const FRAGMENT = '#access_token=eyJ.eyJ.sig&state=secret-state';

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A POST with headers fetch() will not let us set (Host). */
function post(port: number, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'Content-Type': 'text/plain', ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** What code-server's /proxy/<port>/ forwards: the browser's own Host and Origin. */
const CODE_SERVER = { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' };

describe('auth/loopbackRelay startRelay', function () {
  this.timeout(10_000);
  let relay: Relay | undefined;
  let received: string[];
  let log: CaptureLog;
  let clock: FakeClock;

  async function start(onParams?: (raw: string) => boolean | void): Promise<Relay> {
    relay = await startRelay({
      host: '127.0.0.1',
      log,
      clock,
      timeoutMs: 60_000,
      onParams: onParams ?? ((raw) => void received.push(raw)),
    });
    return relay;
  }

  beforeEach(() => {
    received = [];
    log = new CaptureLog();
    clock = new FakeClock();
  });
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
  });

  it('listens on 127.0.0.1 only, on a free port', async () => {
    const r = await start();
    assert.match(r.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(r.port > 0);
  });

  it('serves a self-contained page with a strict CSP and a nonce-bound script, at any path', async () => {
    const r = await start();
    for (const path of ['', 'proxy/12345/', 'anything?x=1']) {
      const res = await fetch(r.url + path);
      assert.equal(res.status, 200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      assert.ok(nonce, csp);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /connect-src 'self'/);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const html = await res.text();
      assert.ok(html.includes(`<script nonce="${nonce}">`));
      assert.ok(html.includes('location.hash'));
      assert.ok(html.includes('You can close this tab and return to VS Code'));
      assert.ok(!/(src|href)=["']?https?:/i.test(html), 'no external resources');
    }
    // A fresh nonce per page load.
    const a = (await fetch(r.url)).headers.get('content-security-policy');
    const b = (await fetch(r.url)).headers.get('content-security-policy');
    assert.notEqual(a, b);
  });

  it('delivers the posted fragment once, answers 204, then closes and frees the port', async () => {
    const r = await start();
    const res = await fetch(r.url + 'proxy/1/', { method: 'POST', body: FRAGMENT, headers: { 'Content-Type': 'text/plain' } });
    assert.equal(res.status, 204);
    assert.deepEqual(received, [FRAGMENT]);
    await r.closed;
    await assert.rejects(fetch(r.url, { method: 'POST', body: FRAGMENT }));
    assert.deepEqual(received, [FRAGMENT]);
    assert.equal(await portIsFree(r.port), true);
    assert.ok(!log.text.includes('secret-state'), 'the body is never logged');
  });

  it('never delivers a second POST sent right behind the first on the same connection: the relay closes after one', async () => {
    const r = await start();
    const post = (body: string): string =>
      `POST / HTTP/1.1\r\nHost: 127.0.0.1:${r.port}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const socket = net.connect(r.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    // Both requests in one write: the second is already waiting when the first is delivered.
    socket.write(post(FRAGMENT) + post('#access_token=other&state=x'));
    await new Promise<void>((resolve) => socket.once('close', resolve));
    const statuses = [...answer.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
    assert.equal(statuses[0], 204);
    assert.ok(statuses.slice(1).every((status) => status === 410), `after delivery only 410, got ${statuses.join(', ')}`);
    assert.deepEqual(received, [FRAGMENT]);
    await r.closed;
  });

  it('keeps waiting when the handler refuses the data', async () => {
    const r = await start((raw) => {
      received.push(raw);
      return raw.includes('state=');
    });
    assert.equal((await fetch(r.url, { method: 'POST', body: 'garbage' })).status, 400);
    assert.equal((await fetch(r.url, { method: 'POST', body: FRAGMENT })).status, 204);
    assert.deepEqual(received, ['garbage', FRAGMENT]);
  });

  it('a refused payload (unparseable, wrong state) answers 400 and leaves the relay open until the real one', async () => {
    const r = await start((raw) => {
      received.push(raw);
      return raw === FRAGMENT;
    });
    for (const body of ['not a callback', '#access_token=eyJ.eyJ.sig&state=someone-elses', '']) {
      assert.equal((await fetch(r.url, { method: 'POST', body })).status, 400);
    }
    // Still listening: the page can be loaded and the real callback delivered.
    assert.equal((await fetch(r.url)).status, 200);
    assert.equal((await fetch(r.url, { method: 'POST', body: FRAGMENT })).status, 204);
    await r.closed;
    assert.deepEqual(received.at(-1), FRAGMENT);
  });

  it('a refused payload does not stop the timeout: the relay still closes when the sign-in times out', async () => {
    const r = await start(() => false);
    assert.equal((await fetch(r.url, { method: 'POST', body: 'garbage' })).status, 400);
    await clock.advance(60_000);
    await r.closed;
    assert.equal(await portIsFree(r.port), true);
  });

  it("refuses (403) a post whose Host is not the relay's or the external address's, and keeps waiting", async () => {
    const r = await start();
    r.allowExternalUrl(`http://${CODE_SERVER.host}/proxy/${r.port}/`);
    for (const host of ['evil.example', `evil.example:${r.port}`, '127.0.0.1:8081', `127.0.0.2:${r.port}`]) {
      assert.equal(await post(r.port, FRAGMENT, { Host: host }), 403, host);
    }
    assert.deepEqual(received, []);
    assert.equal(await post(r.port, FRAGMENT, { Host: CODE_SERVER.host, Origin: CODE_SERVER.origin }), 204);
    assert.deepEqual(received, [FRAGMENT]);
  });

  it('accepts its own Host (127.0.0.1 or localhost and its port) with no Origin or its own', async () => {
    const r = await start(() => false);
    assert.equal(await post(r.port, 'x', { Host: `127.0.0.1:${r.port}` }), 400);
    assert.equal(await post(r.port, 'x', { Host: `localhost:${r.port}`, Origin: `http://localhost:${r.port}` }), 400);
    assert.equal(await post(r.port, 'x', { Host: `127.0.0.1:${r.port}`, Origin: `http://127.0.0.1:${r.port}` }), 400);
  });

  it('refuses (403) a post whose Origin is another site, even with a right Host, and keeps waiting', async () => {
    const r = await start();
    r.allowExternalUrl(`https://ide.example.com/proxy/${r.port}/`);
    for (const origin of ['https://evil.example', 'null', 'http://ide.example.com', `http://127.0.0.1:${r.port + 1}`]) {
      assert.equal(await post(r.port, FRAGMENT, { Host: 'ide.example.com', Origin: origin }), 403, origin);
      assert.equal(await post(r.port, FRAGMENT, { Host: `127.0.0.1:${r.port}`, Origin: origin }), 403, origin);
    }
    assert.deepEqual(received, []);
    // The host's default port may or may not be written out.
    assert.equal(await post(r.port, FRAGMENT, { Host: 'ide.example.com:443', Origin: 'https://ide.example.com' }), 204);
    assert.deepEqual(received, [FRAGMENT]);
  });

  it('refuses a post from a browser page on another site (cross-origin fetch sends its Origin)', async () => {
    const r = await start();
    // What a page at https://evil.example sends with fetch(..., {mode: 'no-cors'}).
    assert.equal((await fetch(r.url, { method: 'POST', body: FRAGMENT, headers: { Origin: 'https://evil.example' } })).status, 403);
    assert.deepEqual(received, []);
  });

  it('the page posts with the login cookie of the host (same-origin credentials), never omits it', async () => {
    const r = await start();
    const html = await (await fetch(r.url)).text();
    assert.match(html, /credentials: 'same-origin'/);
    assert.doesNotMatch(html, /credentials: 'omit'/);
  });

  it('refuses oversized bodies and other methods without calling the handler', async () => {
    const r = await start();
    const big = 'a'.repeat(MAX_RELAY_BODY + 1);
    const tooBig = await fetch(r.url, { method: 'POST', body: big }).catch(() => undefined);
    assert.ok(tooBig === undefined || tooBig.status === 413);
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      assert.equal((await fetch(r.url, { method, body: 'x' })).status, 405);
    }
    assert.deepEqual(received, []);
    // Still open for the real callback.
    assert.equal((await fetch(r.url, { method: 'POST', body: FRAGMENT })).status, 204);
  });

  it('closes by itself on timeout', async () => {
    const r = await start();
    await clock.advance(60_000);
    await r.closed;
    await assert.rejects(fetch(r.url));
    assert.equal(await portIsFree(r.port), true);
    assert.deepEqual(received, []);
  });

  it('close() frees the port and is idempotent', async () => {
    const r = await start();
    await Promise.all([r.close(), r.close()]);
    assert.equal(await portIsFree(r.port), true);
  });
});
