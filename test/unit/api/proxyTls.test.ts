// The undici transport against an HTTPS Modbox (the emulator with a
// self-signed certificate for api.modbox.test) behind a loopback CONNECT
// proxy: what users behind a corporate proxy get.
import * as assert from 'node:assert/strict';
import { ModboxError } from '../../../src/api/errors';
import type { HttpRequest, Transport } from '../../../src/api/transport';
import { createUndiciTransport } from '../../../src/api/transport/undiciTransport';
import { startEmulator, type Emulator } from '../../emulator/server';
import { startForwardProxy, type ForwardProxy } from '../../support/forwardProxy';
import { selfSignedCertificate, type TestCertificate } from '../../support/tlsCert';
import { rejection } from '../../support/rejection';
import { closedPort } from '../../support/loopback';

const API = 'https://api.modbox.test';

async function failure(promise: Promise<unknown>, kind: string): Promise<ModboxError> {
  return rejection<ModboxError>(promise, (err) => {
    assert.ok(err instanceof ModboxError, `not a ModboxError: ${String(err)}`);
    assert.equal(err.kind, kind, `${err.kind}: ${err.message}`);
  });
}

describe('undiciTransport: HTTPS through a forward proxy', function () {
  this.timeout(15_000);
  let cert: TestCertificate;
  let emulator: Emulator;
  let proxy: ForwardProxy;
  let token: string;
  let transport: Transport | undefined;

  const get = (path = '/workspaces'): HttpRequest => ({
    method: 'GET', url: `${API}${path}`, headers: { authorization: `Bearer ${token}` }, timeoutMs: 5000,
  });

  before(async () => {
    cert = selfSignedCertificate(['api.modbox.test']);
    emulator = await startEmulator({ tls: cert });
    token = emulator.mintSession().access_token;
    proxy = await startForwardProxy({ upstream: { host: '127.0.0.1', port: emulator.port } });
  });

  after(async () => {
    await proxy.close();
    await emulator.close();
  });

  beforeEach(() => {
    emulator.resetStats();
    proxy.clear();
    proxy.behaviour = { kind: 'tunnel' };
    proxy.credentials = undefined;
  });

  afterEach(async () => {
    await transport?.close?.();
    transport = undefined;
  });

  it('tunnels api.modbox.test:443 through the http.proxy setting, sending its credentials', async () => {
    proxy.credentials = { user: 'ada', password: 'p@ss:word' };
    const setting = `http://ada:${encodeURIComponent('p@ss:word')}@127.0.0.1:${proxy.port}`;
    transport = createUndiciTransport({ httpProxySetting: setting, strictSSL: false, env: {} });
    const res = await transport.request(get());
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.body) as { workspaces: unknown[] }).workspaces.length, 3);
    assert.deepEqual(proxy.connects, ['api.modbox.test:443']);
    assert.deepEqual(proxy.authorizations, [`Basic ${Buffer.from('ada:p@ss:word').toString('base64')}`]);
  });

  it('uses HTTPS_PROXY from the environment when there is no setting', async () => {
    transport = createUndiciTransport({ strictSSL: false, env: { HTTPS_PROXY: proxy.url } });
    assert.equal((await transport.request(get())).status, 200);
    assert.deepEqual(proxy.connects, ['api.modbox.test:443']);
  });

  it('refuses a certificate nobody trusts, naming http.proxyStrictSSL', async () => {
    transport = createUndiciTransport({ httpProxySetting: proxy.url, env: {} });
    const err = await failure(transport.request(get()), 'tls');
    assert.equal(err.message,
      `Can't verify the secure connection to api.modbox.test (${err.code}). If your network inspects HTTPS traffic, ` +
      'install its certificate in your system, or turn off the http.proxyStrictSSL setting.');
    assert.match(String(err.code), /SELF_SIGNED|UNABLE_TO_VERIFY/);
    assert.equal(emulator.stats().requests.length, 0);
  });

  it('asks for proxy credentials on 407, without repeating the ones it sent', async () => {
    proxy.credentials = { user: 'ada', password: 'right' };
    transport = createUndiciTransport({ httpProxySetting: `http://ada:wrong-secret@127.0.0.1:${proxy.port}`, strictSSL: false, env: {} });
    const err = await failure(transport.request(get()), 'proxy');
    assert.equal(err.status, 407);
    assert.equal(err.message,
      `The proxy 127.0.0.1:${proxy.port} asks for a user name and password (HTTP 407). Put them in the http.proxy setting ` +
      '(http://user:password@host:port) or in the HTTPS_PROXY environment variable.');
    assert.ok(!err.message.includes('wrong-secret'));
  });

  it('reports a proxy that refuses the tunnel (403) as a proxy error', async () => {
    proxy.behaviour = { kind: 'refuse', status: 403 };
    transport = createUndiciTransport({ httpProxySetting: proxy.url, strictSSL: false, env: {} });
    const err = await failure(transport.request(get()), 'proxy');
    assert.equal(err.status, 403);
    assert.equal(err.message,
      `Can't connect through the proxy 127.0.0.1:${proxy.port} (HTTP 403). ` +
      'Check the http.proxy setting and the HTTPS_PROXY and NO_PROXY environment variables.');
  });

  it('reports a proxy that hangs up on CONNECT as a proxy error', async () => {
    proxy.behaviour = { kind: 'hangUp' };
    transport = createUndiciTransport({ httpProxySetting: proxy.url, strictSSL: false, env: {} });
    const err = await failure(transport.request(get()), 'proxy');
    assert.match(err.message, /^Can't connect through the proxy 127\.0\.0\.1:\d+\. Check the http\.proxy setting/);
  });

  it('ends a request at its deadline when the proxy never answers CONNECT', async () => {
    proxy.behaviour = { kind: 'silent' };
    transport = createUndiciTransport({ httpProxySetting: proxy.url, strictSSL: false, env: {} });
    const err = await failure(transport.request({ ...get(), timeoutMs: 300 }), 'timeout');
    assert.equal(err.message, 'Modbox at api.modbox.test took too long to respond. Try again in a moment.');
    proxy.behaviour = { kind: 'tunnel' };
    assert.equal((await transport.request(get())).status, 200, 'the next request was stuck behind the dead CONNECT');
  });

  it('makes one CONNECT attempt, not a storm, when the proxy hangs up', async () => {
    proxy.behaviour = { kind: 'hangUp' };
    transport = createUndiciTransport({ httpProxySetting: proxy.url, strictSSL: false, env: {} });
    await failure(transport.request(get()), 'proxy');
    assert.equal(proxy.connects.length, 1);
  });

  it('reports a proxy nobody listens on as a proxy error', async () => {
    const port = await closedPort();
    transport = createUndiciTransport({ httpProxySetting: `http://127.0.0.1:${port}`, strictSSL: false, env: {} });
    const err = await failure(transport.request(get()), 'proxy');
    assert.equal(err.code, 'ECONNREFUSED');
    assert.match(err.message, new RegExp(`^Can't connect through the proxy 127\\.0\\.0\\.1:${port}\\. `));
  });

  it('never sends a loopback Modbox to the proxy', async () => {
    transport = createUndiciTransport({ httpProxySetting: proxy.url, strictSSL: false, env: {} });
    const res = await transport.request({ ...get(), url: `${emulator.url}/workspaces` });
    assert.equal(res.status, 200);
    assert.deepEqual(proxy.connects, [], 'loopback went through the proxy');
  });
});
