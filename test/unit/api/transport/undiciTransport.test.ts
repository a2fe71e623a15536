import * as assert from 'node:assert/strict';
import { ModboxError } from '../../../../src/api/errors';
import type { HttpRequest, Transport } from '../../../../src/api/transport';
import { createUndiciTransport } from '../../../../src/api/transport/undiciTransport';
import { rejection } from '../../../support/rejection';
import { startForwardProxy, type ForwardProxy } from '../../../support/forwardProxy';
import { closedPort, loopbackLookup, startServer, type LoopbackServer } from '../../../support/loopback';

const SECRET = 'mbx_SuperSecretTransportToken42';

function get(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', url, headers: { authorization: `Bearer ${SECRET}` }, timeoutMs: 3000, ...extra };
}

async function expectError(promise: Promise<unknown>, kind: string): Promise<ModboxError> {
  return rejection<ModboxError>(promise, (err) => {
    assert.ok(err instanceof ModboxError, `not a ModboxError: ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    assert.ok(!err.message.includes('SuperSecret'), 'secret in message');
  });
}

describe('undiciTransport', function () {
  this.timeout(5000);
  let server: LoopbackServer | undefined;
  let proxy: ForwardProxy | undefined;
  let transport: Transport | undefined;

  afterEach(async () => {
    await transport?.close?.();
    await server?.close();
    await proxy?.close();
    server = proxy = transport = undefined;
  });

  it('sends method, headers and body, and returns status, lower-case headers and body', async () => {
    server = await startServer((_req, res, body) => {
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-Custom': 'yes' }).end(JSON.stringify({ echo: body }));
    });
    transport = createUndiciTransport({ env: {} });
    const res = await transport.request({ ...get(`${server.url}/api-tokens/`), method: 'POST', body: '{"description":"ci"}', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 201);
    assert.equal(res.headers['x-custom'], 'yes');
    assert.deepEqual(JSON.parse(res.body), { echo: '{"description":"ci"}' });
    assert.equal(server.requests[0].method, 'POST');
    assert.equal(server.requests[0].url, '/api-tokens/');
    assert.equal(server.requests[0].headers['content-type'], 'application/json');
  });

  it('does not follow redirects by itself', async () => {
    server = await startServer((req, res) => {
      if (req.url === '/a') res.writeHead(307, { Location: '/b' }).end();
      else res.writeHead(200).end('followed');
    });
    transport = createUndiciTransport({ env: {} });
    const res = await transport.request(get(`${server.url}/a`));
    assert.equal(res.status, 307);
    assert.equal(res.headers.location, '/b');
    assert.equal(server.requests.length, 1);
  });

  it('reuses one connection for sequential requests (keep-alive)', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('ok'));
    transport = createUndiciTransport({ env: {} });
    for (let i = 0; i < 8; i++) {
      assert.equal((await transport.request(get(server.url))).body, 'ok');
    }
    // undici may open a second socket while the first is being released; never one per request.
    assert.ok(server.connections <= 2, `${server.connections} connections for 8 requests`);
  });

  it('gives up on a server that never answers, as a timeout', async () => {
    server = await startServer(() => undefined);
    transport = createUndiciTransport({ env: {} });
    const err = await expectError(transport.request(get(server.url, { timeoutMs: 200 })), 'timeout');
    assert.match(err.message, /took too long/);
  });

  it('reports a reset connection as offline, not as an auth problem', async () => {
    server = await startServer((req) => req.socket.destroy());
    transport = createUndiciTransport({ env: {} });
    const err = await expectError(transport.request(get(server.url)), 'offline');
    assert.ok(err.code === 'ECONNRESET' || err.code === 'UND_ERR_SOCKET', err.code);
  });

  it('reports a refused connection as offline, naming the host', async () => {
    const port = await closedPort();
    transport = createUndiciTransport({ env: {} });
    const err = await expectError(transport.request(get(`http://127.0.0.1:${port}/workspaces`)), 'offline');
    assert.equal(err.code, 'ECONNREFUSED');
    assert.equal(err.message, `Can't reach Modbox at 127.0.0.1:${port}. Check your internet connection.`);
  });

  it('turns an abort into cancelled', async () => {
    server = await startServer(() => undefined);
    transport = createUndiciTransport({ env: {} });
    const controller = new AbortController();
    const pending = transport.request(get(server.url, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    await expectError(pending, 'cancelled');
    await expectError(transport.request(get(server.url, { signal: controller.signal })), 'cancelled');
  });

  it('refuses responses over the size cap', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('x'.repeat(64 * 1024)));
    transport = createUndiciTransport({ env: {} }, { maxResponseBytes: 1024 });
    await expectError(transport.request(get(server.url)), 'badResponse');
  });

  it('goes through HTTP_PROXY, tunnelling with CONNECT', async () => {
    server = await startServer((req, res) => res.writeHead(200).end(`host=${req.headers.host}`));
    proxy = await startForwardProxy({ upstream: { host: '127.0.0.1', port: server.port } });
    transport = createUndiciTransport({ env: { HTTP_PROXY: proxy.url } }, { lookup: loopbackLookup });
    const res = await transport.request(get(`http://api.modbox.test:${server.port}/workspaces`));
    assert.equal(res.body, `host=api.modbox.test:${server.port}`);
    assert.deepEqual(proxy.connects, [`api.modbox.test:${server.port}`]);
  });

  it('refuses to send anything when the proxy is SOCKS (never direct), naming where it was set', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('ok'));
    transport = createUndiciTransport({ httpProxySetting: 'socks5://carol:s0cksPass@127.0.0.1:1080', env: {} }, { lookup: loopbackLookup });
    const fromSetting = await expectError(transport.request(get(`http://api.modbox.test:${server.port}/`)), 'proxy');
    assert.match(fromSetting.message, /^The http\.proxy setting names a SOCKS proxy/);
    assert.ok(!fromSetting.message.includes('s0cksPass') && !fromSetting.message.includes('carol'), 'proxy credentials in the message');
    await transport.close?.();

    transport = createUndiciTransport({ env: { HTTPS_PROXY: 'socks5h://127.0.0.1:1080', HTTP_PROXY: 'socks5://127.0.0.1:1080' } }, { lookup: loopbackLookup });
    const fromEnv = await expectError(transport.request(get(`http://api.modbox.test:${server.port}/`)), 'proxy');
    assert.match(fromEnv.message, /^The HTTP_PROXY environment variable names a SOCKS proxy/);
    assert.equal(server.connections, 0, 'the request went direct');
  });

  it('still goes direct to a host excluded from a SOCKS proxy by http.noProxy', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('direct'));
    transport = createUndiciTransport({ httpProxySetting: 'socks5://127.0.0.1:1080', noProxy: ['api.modbox.test'], env: {} }, { lookup: loopbackLookup });
    const res = await transport.request(get(`http://api.modbox.test:${server.port}/`));
    assert.equal(res.body, 'direct');
  });

  it('prefers the http.proxy setting and sends its credentials as Proxy-Authorization', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('ok'));
    const expected = `Basic ${Buffer.from('alice:p@ss word').toString('base64')}`;
    proxy = await startForwardProxy({ upstream: { host: '127.0.0.1', port: server.port }, credentials: { user: 'alice', password: 'p@ss word' } });
    const setting = `http://alice:${encodeURIComponent('p@ss word')}@127.0.0.1:${proxy.port}`;
    transport = createUndiciTransport({ httpProxySetting: setting, env: { HTTP_PROXY: 'http://127.0.0.1:1' } }, { lookup: loopbackLookup });
    const res = await transport.request(get(`http://api.modbox.test:${server.port}/`));
    assert.equal(res.body, 'ok');
    assert.deepEqual(proxy.authorizations, [expected]);
  });

  it('reports a proxy asking for credentials (407) as a proxy error', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('ok'));
    proxy = await startForwardProxy({ upstream: { host: '127.0.0.1', port: server.port }, credentials: { user: 'someone', password: 'else' } });
    transport = createUndiciTransport({ httpProxySetting: `http://bob:hunter2@127.0.0.1:${0}`.replace(':0', `:${proxy.port}`), env: {} }, { lookup: loopbackLookup });
    const err = await expectError(transport.request(get(`http://api.modbox.test:${server.port}/`)), 'proxy');
    assert.equal(err.status, 407);
    assert.match(err.message, /407/);
    assert.ok(!err.message.includes('hunter2'));
    assert.equal(server.requests.length, 0);
  });

  it('reports an unreachable proxy as a proxy error', async () => {
    const port = await closedPort();
    transport = createUndiciTransport({ env: { HTTPS_PROXY: `http://127.0.0.1:${port}`, HTTP_PROXY: `http://127.0.0.1:${port}` } }, { lookup: loopbackLookup });
    const err = await expectError(transport.request(get('http://api.modbox.test:9/')), 'proxy');
    assert.match(err.message, /http\.proxy/);
  });

  it('goes direct for NO_PROXY hosts and for loopback', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('direct'));
    proxy = await startForwardProxy({ upstream: { host: '127.0.0.1', port: server.port } });
    transport = createUndiciTransport({ env: { HTTP_PROXY: proxy.url }, noProxy: ['.modbox.test'] }, { lookup: loopbackLookup });
    assert.equal((await transport.request(get(`http://api.modbox.test:${server.port}/`))).body, 'direct');
    assert.equal((await transport.request(get(`${server.url}/`))).body, 'direct');
    assert.deepEqual(proxy.connects, []);
  });
});
