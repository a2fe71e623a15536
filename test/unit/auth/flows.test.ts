import * as assert from 'node:assert/strict';
import { FLOW_TABLE, chooseFlows, hostKind, isPasteProminent, type FlowEnv, type FlowKind, type HostKind } from '../../../src/auth/flows';

describe('auth/flows chooseFlows', () => {
  const table: [string, FlowEnv, HostKind, FlowKind[], boolean][] = [
    ['desktop on macOS', { uiKind: 'desktop', uriScheme: 'vscode', platform: 'darwin' }, 'desktop', ['uriHandler', 'loopbackRelay', 'paste'], false],
    ['desktop on Windows', { uiKind: 'desktop', uriScheme: 'vscode-insiders', platform: 'win32' }, 'desktop', ['uriHandler', 'loopbackRelay', 'paste'], false],
    ['desktop on Linux', { uiKind: 'desktop', uriScheme: 'vscode', platform: 'linux' }, 'desktopLinux', ['uriHandler', 'loopbackRelay', 'paste'], true],
    ['desktop over SSH', { uiKind: 'desktop', remoteName: 'ssh-remote', uriScheme: 'vscode', platform: 'linux' }, 'desktopRemote', ['loopbackRelay', 'uriHandler', 'paste'], true],
    ['desktop in WSL', { uiKind: 'desktop', remoteName: 'wsl', uriScheme: 'vscode', platform: 'linux' }, 'desktopRemote', ['loopbackRelay', 'uriHandler', 'paste'], true],
    ['code-server (web)', { uiKind: 'web', uriScheme: 'code-oss', platform: 'linux' }, 'web', ['loopbackRelay', 'uriHandler', 'paste'], true],
    ['Codespaces in the browser', { uiKind: 'web', remoteName: 'codespaces', uriScheme: 'vscode', platform: 'linux' }, 'web', ['loopbackRelay', 'uriHandler', 'paste'], true],
    ['desktop with a bogus scheme', { uiKind: 'desktop', uriScheme: 'Not A Scheme!', platform: 'darwin' }, 'desktop', ['loopbackRelay', 'paste'], false],
    ['desktop preferring paste', { uiKind: 'desktop', uriScheme: 'vscode', platform: 'darwin', preferred: 'paste' }, 'desktop', ['paste', 'uriHandler', 'loopbackRelay'], false],
    ['remote preferring the URI handler', { uiKind: 'desktop', remoteName: 'ssh-remote', uriScheme: 'vscode', platform: 'darwin', preferred: 'uriHandler' }, 'desktopRemote', ['uriHandler', 'loopbackRelay', 'paste'], true],
    ['web asked for the URI handler (a server answering in the query)', { uiKind: 'web', uriScheme: 'code-oss', platform: 'linux', preferred: 'uriHandler' }, 'web', ['uriHandler', 'loopbackRelay', 'paste'], true],
  ];
  for (const [name, env, host, flows, prominent] of table) {
    it(name, () => {
      assert.equal(hostKind(env), host);
      assert.deepEqual(chooseFlows(env), flows);
      assert.equal(isPasteProminent(env), prominent);
    });
  }

  it('covers every host kind, always offers paste, and starts the relay first on the web', () => {
    assert.deepEqual(Object.keys(FLOW_TABLE).sort(), ['desktop', 'desktopLinux', 'desktopRemote', 'web']);
    for (const [host, row] of Object.entries(FLOW_TABLE)) {
      assert.ok(row.flows.includes('paste'), host);
      assert.equal(new Set(row.flows).size, row.flows.length, host);
    }
    assert.strictEqual(FLOW_TABLE.web.flows[0], 'loopbackRelay');
  });
});
