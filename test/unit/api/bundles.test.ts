// The extension ships the transport as its own bundle (dist/transport.js), so
// its errors are made by a second copy of ModboxError. They must still be
// recognised: otherwise users see "Something went wrong" instead of the
// specific message, and nothing transient is retried.
import * as assert from 'node:assert/strict';
import Module from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { isModboxError, ModboxError } from '../../../src/api/errors';
import { HttpClient } from '../../../src/api/http';
import type { Transport } from '../../../src/api/transport';
import type * as TransportModule from '../../../src/api/transport/undiciTransport';
import { errorReason } from '../../../src/views/errorText';
import { plainL10n } from '../../../src/views/l10n';
import { rejection } from '../../support/rejection';
import { startForwardProxy, type ForwardProxy } from '../../support/forwardProxy';
import { closedPort } from '../../support/loopback';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** src/api/transport/undiciTransport.ts bundled as esbuild.mjs does, loaded as a separate module. */
function loadTransportBundle(): typeof TransportModule {
  const result = esbuild.buildSync({
    entryPoints: [path.join(repoRoot, 'src', 'api', 'transport', 'undiciTransport.ts')],
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', write: false, logLevel: 'silent',
  });
  const file = path.join(repoRoot, 'dist', 'transport-under-test.js');
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  (mod as unknown as { _compile(code: string, filename: string): void })._compile(result.outputFiles[0].text, file);
  return mod.exports as typeof TransportModule;
}

describe('errors from the separately bundled transport', function () {
  this.timeout(20_000);
  let bundle: typeof TransportModule;
  let transport: Transport | undefined;
  let proxy: ForwardProxy | undefined;

  before(() => {
    bundle = loadTransportBundle();
  });

  afterEach(async () => {
    await transport?.close?.();
    await proxy?.close();
    transport = proxy = undefined;
  });

  it('are ModboxErrors to the extension, with their specific message', async () => {
    const port = await closedPort();
    transport = bundle.createUndiciTransport({ env: {} });
    const err = await rejection<ModboxError>(
      transport.request({ method: 'GET', url: `http://127.0.0.1:${port}/workspaces`, headers: {}, timeoutMs: 3000 }),
      (e) => assert.ok(e instanceof ModboxError && isModboxError(e), `instanceof failed across bundles: ${String(e)}`),
    );
    assert.equal(err.kind, 'offline');
    assert.equal(errorReason(err, plainL10n), `Can't reach Modbox at 127.0.0.1:${port}. Check your internet connection.`);
  });

  it('are retried by the HTTP client when transient, and reported as such', async () => {
    const port = await closedPort();
    let attempts = 0;
    const real = bundle.createUndiciTransport({ env: {} });
    transport = real;
    const counting: Transport = { request: (req) => (attempts++, real.request(req)) };
    const http = new HttpClient({ transport: counting, baseUrl: `http://127.0.0.1:${port}`, version: '0.0.0', random: () => 0, baseBackoffMs: 1 });
    await assert.rejects(http.request({ method: 'GET', path: '/workspaces' }), (e: unknown) => isModboxError(e) && e.kind === 'offline');
    assert.equal(attempts, 3);
  });

  it('keep a proxy refusal a proxy error with its message', async () => {
    // The proxy refuses before any tunnel opens, so the upstream is never reached.
    proxy = await startForwardProxy({ upstream: { host: '127.0.0.1', port: await closedPort() }, credentials: { user: 'no', password: 'pe' } });
    transport = bundle.createUndiciTransport({ httpProxySetting: proxy.url, env: {} });
    const http = new HttpClient({ transport, baseUrl: 'https://api.modbox.test', version: '0.0.0', random: () => 0, baseBackoffMs: 1 });
    const err = await rejection<ModboxError>(http.request({ method: 'GET', path: '/workspaces' }), (e) => assert.ok(isModboxError(e), String(e)));
    assert.equal(err.kind, 'proxy');
    assert.equal(err.status, 407);
    assert.deepEqual(proxy.connects, ['api.modbox.test:443']);
  });
});
