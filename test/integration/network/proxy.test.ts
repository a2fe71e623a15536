// VS Code's proxy settings, honoured by the real extension: an HTTPS Modbox
// (the emulator with a self-signed certificate for api.modbox.test) reached
// only through a CONNECT proxy on loopback that "resolves" that name. Both
// servers run here in the extension host; nothing leaves this machine.
// HTTPS_PROXY / NO_PROXY cannot be changed in a running extension host: they
// are covered by test/unit/api/proxy.test.ts and proxyTls.test.ts.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { ModboxError } from '../../../src/api/errors';
import { isLoopbackHost } from '../../../src/api/proxy';
import { clearServer } from '../../support/accountStorage';
import type { TestHooks } from '../../../src/extension';
import { startEmulator, type Emulator } from '../../emulator/server';
import { startForwardProxy, type ForwardProxy } from '../../support/forwardProxy';
import { selfSignedCertificate } from '../../support/tlsCert';
import { rejection } from '../../support/rejection';
import { hooks, ScriptedSignInUi, sessionWhere, withTimeout } from '../auth/helpers';

const API = 'https://api.modbox.test';
const SETTINGS = ['modbox.apiUrl', 'http.proxy', 'http.proxyStrictSSL', 'http.noProxy'] as const;
type Setting = (typeof SETTINGS)[number];

function split(setting: Setting): [string, string] {
  const dot = setting.indexOf('.');
  return [setting.slice(0, dot), setting.slice(dot + 1)];
}

function globalValue(setting: Setting): unknown {
  const [section, key] = split(setting);
  return vscode.workspace.getConfiguration(section).inspect(key)?.globalValue;
}

/** Changes a user setting and waits until VS Code has told the extension (its listener runs before ours). */
async function configure(setting: Setting, value: unknown): Promise<void> {
  if (JSON.stringify(globalValue(setting)) === JSON.stringify(value)) {
    return;
  }
  const [section, key] = split(setting);
  let sub: vscode.Disposable | undefined;
  const told = new Promise<void>((resolve) => {
    sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(setting)) {
        resolve();
      }
    });
  });
  try {
    await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Global);
    await withTimeout(told, 10_000, `the ${setting} change event`);
  } finally {
    sub?.dispose();
  }
}

/** A host name that /etc/hosts maps to 127.x but the extension does not treat as loopback (so the proxy applies to it). */
function hostsFileLoopbackAlias(): string | undefined {
  let text = '';
  try {
    text = fs.readFileSync('/etc/hosts', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || !/^127\.\d+\.\d+\.\d+$/.test(address)) {
      continue;
    }
    const alias = names.find((n) => /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/i.test(n) && !isLoopbackHost(n));
    if (alias) {
      return alias.toLowerCase();
    }
  }
  return undefined;
}

async function failure(promise: Promise<unknown>, kind: string): Promise<ModboxError> {
  return rejection<ModboxError>(promise, (err) => {
    assert.ok(err instanceof ModboxError, `not a ModboxError: ${String(err)}`);
    assert.strictEqual(err.kind, kind, `${err.kind}: ${err.message}`);
  });
}

describe('network: VS Code proxy settings (real VS Code, HTTPS emulator behind a loopback proxy)', function () {
  this.timeout(60_000);
  const saved = new Map<Setting, unknown>();
  let h: TestHooks;
  let emulator: Emulator;
  let proxy: ForwardProxy;
  let token: string;
  let proxyWithCredentials: string;
  const credentials = { user: 'ada', password: 'pr0xy:p@ss' };
  const usedApiUrls = new Set<string>();

  /** CONNECTs for our API hosts with their Proxy-Authorization (VS Code itself may use http.proxy for other hosts). */
  function ourConnects(): Array<{ target: string; auth: string | undefined }> {
    return proxy.connects
      .map((target, i) => ({ target, auth: proxy.authorizations[i] }))
      .filter((c) => usedApiUrls.has(`https://${c.target}`) || (c.target === 'api.modbox.test:443' && usedApiUrls.has(API)));
  }

  async function signInWithApiToken(): Promise<void> {
    const prompts = new ScriptedSignInUi();
    prompts.secrets = [token];
    h.setUi(prompts);
    try {
      const session = await h.account.signIn({ method: 'apiToken' });
      assert.ok(session, 'no session');
      assert.strictEqual(session.kind, 'apiToken');
    } finally {
      h.setUi(undefined);
    }
  }

  async function useApiUrl(url: string): Promise<void> {
    usedApiUrls.add(url);
    await configure('modbox.apiUrl', url);
    assert.strictEqual(h.account.apiUrl, url);
    await sessionWhere(h, (s) => s === undefined);
  }

  before(async () => {
    h = await hooks();
    for (const s of SETTINGS) {
      saved.set(s, globalValue(s));
    }
    await h.account.signOut();
    const cert = selfSignedCertificate(['api.modbox.test']);
    emulator = await startEmulator({ host: '127.0.0.1', tls: cert });
    const ada = emulator.data().userByEmail('ada@example.com');
    assert.ok(ada);
    token = emulator.data().tokensOf(ada.id)[0].value;
    proxy = await startForwardProxy({ upstream: { host: '127.0.0.1', port: emulator.port }, credentials });
    proxyWithCredentials = `http://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${proxy.port}`;
  });

  after(async () => {
    // Back to the runner's settings, whatever happened above.
    for (const s of ['http.proxy', 'http.proxyStrictSSL', 'http.noProxy', 'modbox.apiUrl'] as const) {
      await configure(s, saved.get(s));
    }
    // Stored sessions are per API URL: leave none behind for the made-up ones.
    for (const url of usedApiUrls) {
      await clearServer(h.secrets, url);
    }
    await proxy.close();
    await emulator.close();
  });

  /**
   * Makes the extension drop its transport (and kept-alive tunnels) so the next
   * request opens a new one: an equivalent spelling of the proxy URL is still a
   * change of http.proxy.
   */
  async function freshTransport(): Promise<void> {
    const other = globalValue('http.proxy') === proxyWithCredentials ? `${proxyWithCredentials}/` : proxyWithCredentials;
    await configure('http.proxy', other);
    proxy.clear();
    emulator.resetStats();
  }

  beforeEach(async () => {
    proxy.behaviour = { kind: 'tunnel' };
    proxy.credentials = credentials;
    await configure('http.noProxy', []);
    await configure('http.proxyStrictSSL', false);
    await configure('http.proxy', proxyWithCredentials);
    if (h.account.apiUrl !== API) {
      await useApiUrl(API);
    }
    if (!h.account.session) {
      await signInWithApiToken();
    }
    await freshTransport();
  });

  it('signs in with an API token through http.proxy, sending the proxy credentials', async () => {
    await h.account.signOut();
    await freshTransport();
    await signInWithApiToken();
    const expected = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
    assert.deepStrictEqual(ourConnects(), [{ target: 'api.modbox.test:443', auth: expected }], 'the request did not go through the proxy');
    const seen = emulator.stats().requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`);
    assert.deepStrictEqual(seen, ['GET /workspaces 200 mbx']);

    const workspaces = await h.account.client().listWorkspaces();
    assert.strictEqual(workspaces.length, 3);
  });

  it('a changed http.proxy applies without reload: no credentials -> 407, a proxy error naming http.proxy', async () => {
    await configure('http.proxy', `http://127.0.0.1:${proxy.port}`);
    const err = await failure(h.account.client().listWorkspaces(), 'proxy');
    assert.strictEqual(err.status, 407);
    assert.strictEqual(err.message,
      `The proxy 127.0.0.1:${proxy.port} asks for a user name and password (HTTP 407). Put them in the http.proxy setting ` +
      '(http://user:password@host:port) or in the HTTPS_PROXY environment variable.');
    assert.deepStrictEqual(ourConnects(), [{ target: 'api.modbox.test:443', auth: undefined }]);
    assert.strictEqual(emulator.stats().requests.length, 0);
    assert.ok(h.account.session, 'a proxy refusal signed the user out');

    await configure('http.proxy', proxyWithCredentials);
    assert.strictEqual((await h.account.client().listWorkspaces()).length, 3);
  });

  it('a proxy that refuses the tunnel (403) or hangs up gives a proxy error, not a sign-in problem', async () => {
    proxy.behaviour = { kind: 'refuse', status: 403 };
    const refused = await failure(h.account.client().listWorkspaces(), 'proxy');
    assert.strictEqual(refused.status, 403);
    assert.strictEqual(refused.message,
      `Can't connect through the proxy 127.0.0.1:${proxy.port} (HTTP 403). ` +
      'Check the http.proxy setting and the HTTPS_PROXY and NO_PROXY environment variables.');

    proxy.behaviour = { kind: 'hangUp' };
    proxy.clear();
    const hungUp = await failure(h.account.client().listWorkspaces(), 'proxy');
    assert.match(hungUp.message, /through the proxy 127\.0\.0\.1:\d+\. Check the http\.proxy setting/);
    assert.strictEqual(ourConnects().length, 1, 'the CONNECT was repeated');
    assert.ok(h.account.session, 'a proxy failure signed the user out');
  });

  it('a proxy nobody listens on is a proxy error', async () => {
    const port = proxy.port;
    const gone = await startForwardProxy({ upstream: { host: '127.0.0.1', port: emulator.port } });
    const deadPort = gone.port;
    await gone.close();
    await configure('http.proxy', `http://127.0.0.1:${deadPort}`);
    const err = await failure(h.account.client().listWorkspaces(), 'proxy');
    assert.strictEqual(err.code, 'ECONNREFUSED');
    assert.match(err.message, new RegExp(`^Can't connect through the proxy 127\\.0\\.0\\.1:${deadPort}\\. Check the http\\.proxy setting`));
    assert.notStrictEqual(deadPort, port);
  });

  it('http.proxyStrictSSL refuses a certificate nobody trusts, naming the setting; turning it off works without reload', async () => {
    await configure('http.proxyStrictSSL', true);
    const err = await failure(h.account.client().listWorkspaces(), 'tls');
    assert.match(String(err.code), /SELF_SIGNED|UNABLE_TO_VERIFY/);
    assert.strictEqual(err.message,
      `Can't verify the secure connection to api.modbox.test (${err.code}). If your network inspects HTTPS traffic, ` +
      'install its certificate in your system, or turn off the http.proxyStrictSSL setting.');
    assert.strictEqual(emulator.stats().requests.length, 0, 'a request was sent over an unverified connection');

    await configure('http.proxyStrictSSL', false);
    assert.strictEqual((await h.account.client().listWorkspaces()).length, 3);
  });

  it('a SOCKS http.proxy fails with a message naming the setting and sends nothing, not even direct', async () => {
    await configure('http.proxy', `socks5://127.0.0.1:${proxy.port}`);
    const err = await failure(h.account.client().listWorkspaces(), 'proxy');
    assert.strictEqual(err.message,
      "The http.proxy setting names a SOCKS proxy, which the Modbox extension doesn't support, so nothing was sent. " +
      'Use an HTTP proxy there (http://host:port), or add api.modbox.test to the http.noProxy setting to connect without a proxy.');
    assert.deepStrictEqual(ourConnects(), []);
    assert.strictEqual(emulator.stats().requests.length, 0);
    assert.ok(h.account.session, 'a proxy problem signed the user out');
  });

  it('http.noProxy sends a listed host direct instead of through http.proxy', async () => {
    const alias = hostsFileLoopbackAlias();
    if (alias) {
      // A name this machine resolves to loopback from /etc/hosts: direct works, so the bypass is proven by success.
      const url = `https://${alias}:${emulator.port}`;
      await useApiUrl(url);
      await freshTransport();
      await signInWithApiToken();
      assert.deepStrictEqual(ourConnects().map((c) => c.target), [`${alias}:${emulator.port}`], 'without http.noProxy the request should use the proxy');

      proxy.clear();
      emulator.resetStats();
      await configure('http.noProxy', ['example.org', alias]);
      assert.strictEqual((await h.account.client().listWorkspaces()).length, 3);
      assert.deepStrictEqual(ourConnects(), [], 'a host in http.noProxy went through the proxy');
      assert.deepStrictEqual(emulator.stats().requests.map((r) => `${r.method} ${r.path}`), ['GET /workspaces']);
      await h.account.signOut();
      return;
    }
    // No such name here: going direct to api.modbox.test must fail to resolve it (only the proxy knows it).
    await configure('http.noProxy', ['api.modbox.test']);
    const err = await failure(h.account.client().listWorkspaces(), 'dns');
    assert.strictEqual(err.message, "Can't find Modbox at api.modbox.test. Check your internet connection and the modbox.apiUrl setting.");
    assert.deepStrictEqual(ourConnects(), [], 'a host in http.noProxy went through the proxy');
  });
});
