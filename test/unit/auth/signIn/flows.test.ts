import * as assert from 'node:assert/strict';
import {
  FLOW_ORDER, FLOWS, FlowUnavailable, chooseFlows, hostKind, runFlows, type FlowEnv, type FlowKind, type HostKind,
} from '../../../../src/auth/signIn/flows';
import { SignInError } from '../../../../src/auth/signIn/pendingSignIn';

describe('auth/flows chooseFlows', () => {
  const table: [string, FlowEnv, HostKind, FlowKind[]][] = [
    ['desktop on macOS', { uiKind: 'desktop', uriScheme: 'vscode', platform: 'darwin' }, 'desktop', ['uriHandler', 'loopbackRelay', 'paste']],
    ['desktop on Windows', { uiKind: 'desktop', uriScheme: 'vscode-insiders', platform: 'win32' }, 'desktop', ['uriHandler', 'loopbackRelay', 'paste']],
    ['desktop on Linux', { uiKind: 'desktop', uriScheme: 'vscode', platform: 'linux' }, 'desktopLinux', ['uriHandler', 'loopbackRelay', 'paste']],
    ['desktop over SSH', { uiKind: 'desktop', remoteName: 'ssh-remote', uriScheme: 'vscode', platform: 'linux' }, 'desktopRemote', ['loopbackRelay', 'uriHandler', 'paste']],
    ['desktop in WSL', { uiKind: 'desktop', remoteName: 'wsl', uriScheme: 'vscode', platform: 'linux' }, 'desktopRemote', ['loopbackRelay', 'uriHandler', 'paste']],
    ['code-server (web)', { uiKind: 'web', uriScheme: 'code-oss', platform: 'linux' }, 'web', ['loopbackRelay', 'uriHandler', 'paste']],
    ['Codespaces in the browser', { uiKind: 'web', remoteName: 'codespaces', uriScheme: 'vscode', platform: 'linux' }, 'web', ['loopbackRelay', 'uriHandler', 'paste']],
    ['desktop with a bogus scheme', { uiKind: 'desktop', uriScheme: 'Not A Scheme!', platform: 'darwin' }, 'desktop', ['loopbackRelay', 'paste']],
    ['desktop preferring paste', { uiKind: 'desktop', uriScheme: 'vscode', platform: 'darwin', preferred: 'paste' }, 'desktop', ['paste', 'uriHandler', 'loopbackRelay']],
    ['remote preferring the URI handler', { uiKind: 'desktop', remoteName: 'ssh-remote', uriScheme: 'vscode', platform: 'darwin', preferred: 'uriHandler' }, 'desktopRemote', ['uriHandler', 'loopbackRelay', 'paste']],
    ['web asked for the URI handler (a server answering in the query)', { uiKind: 'web', uriScheme: 'code-oss', platform: 'linux', preferred: 'uriHandler' }, 'web', ['uriHandler', 'loopbackRelay', 'paste']],
  ];
  for (const [name, env, host, flows] of table) {
    it(name, () => {
      assert.equal(hostKind(env), host);
      assert.deepEqual(chooseFlows(env), flows);
    });
  }

  it('covers every host kind, always offers paste, and starts the relay first on the web', () => {
    assert.deepEqual(Object.keys(FLOW_ORDER).sort(), ['desktop', 'desktopLinux', 'desktopRemote', 'web']);
    for (const [host, flows] of Object.entries(FLOW_ORDER)) {
      assert.ok(flows.includes('paste'), host);
      assert.equal(new Set(flows).size, flows.length, host);
    }
    assert.strictEqual(FLOW_ORDER.web[0], 'loopbackRelay');
    assert.ok(FLOWS.paste.worksOn.includes('noBrowser'), 'paste must work where no browser opens');
  });
});

describe('auth/flows runFlows falls back only when a flow cannot work here', () => {
  const envs: Record<HostKind, FlowEnv> = {
    desktop: { uiKind: 'desktop', uriScheme: 'vscode', platform: 'darwin' },
    desktopLinux: { uiKind: 'desktop', uriScheme: 'vscode', platform: 'linux' },
    desktopRemote: { uiKind: 'desktop', remoteName: 'ssh-remote', uriScheme: 'vscode', platform: 'linux' },
    web: { uiKind: 'web', uriScheme: 'code-oss', platform: 'linux' },
  };

  /** Runs the host's flows with the given outcome per flow; records which were tried and which fell back. */
  async function attempt(host: HostKind, outcome: (flow: FlowKind) => unknown): Promise<{ tried: FlowKind[]; fellBack: string[]; result: unknown }> {
    const tried: FlowKind[] = [];
    const fellBack: string[] = [];
    const result = await runFlows(
      chooseFlows(envs[host]),
      async (flow) => {
        tried.push(flow);
        const o = outcome(flow);
        if (o instanceof Error) {
          throw o;
        }
        return o;
      },
      (flow, reason) => fellBack.push(`${flow}: ${reason}`),
    ).catch((err: unknown) => err);
    return { tried, fellBack, result };
  }

  for (const host of Object.keys(envs) as HostKind[]) {
    const [first, second] = FLOW_ORDER[host];

    it(`${host}: the first flow that works signs in, and the next is not tried`, async () => {
      const { tried, result } = await attempt(host, (flow) => `tokens via ${flow}`);
      assert.deepEqual(tried, [first]);
      assert.equal(result, `tokens via ${first}`);
    });

    it(`${host}: ${first} failing to start (relay cannot listen, asExternalUri fails) falls back to ${second}`, async () => {
      const { tried, fellBack, result } = await attempt(host, (flow) => (flow === first ? new FlowUnavailable('EADDRINUSE') : `tokens via ${flow}`));
      assert.deepEqual(tried, [first, second]);
      assert.deepEqual(fellBack, [`${first}: EADDRINUSE`]);
      assert.equal(result, `tokens via ${second}`);
    });

    it(`${host}: no browser opening skips to the flows that work without one`, async () => {
      const { tried, result } = await attempt(host, (flow) =>
        FLOWS[flow].worksOn.includes('noBrowser') ? `tokens via ${flow}` : new FlowUnavailable('the browser did not open', true),
      );
      assert.deepEqual(tried, [first, 'paste']);
      assert.equal(result, 'tokens via paste');
    });

    it(`${host}: a cancel or a timeout ends the sign-in instead of trying another flow`, async () => {
      for (const kind of ['cancelled', 'timeout'] as const) {
        const { tried, result } = await attempt(host, () => new SignInError(kind, kind));
        assert.deepEqual(tried, [first], kind);
        assert.ok(result instanceof SignInError && result.kind === kind, kind);
      }
    });
  }

  it('says so when no flow can work', async () => {
    const err = await runFlows(['uriHandler'], () => Promise.reject(new FlowUnavailable('nope')), () => undefined).catch((e: unknown) => e);
    assert.ok(err instanceof Error && /No way to sign in/.test(err.message));
  });
});
