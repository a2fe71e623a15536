// Proves the harness runs in a real VS Code extension host with our extension loaded.
import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'modbox.vscode-modbox';
const COMMANDS = [
  'modbox.signIn',
  'modbox.signOut',
  'modbox.refresh',
  'modbox.createApiToken',
  'modbox.revokeApiToken',
  'modbox.copyWorkspaceId',
  'modbox.selectWorkspace',
  'modbox.openDashboard',
  'modbox.showLog',
  'modbox.openApiTokensPage',
  'modbox.createSandbox',
  'modbox.openSandbox',
  'modbox.copySandboxId',
  'modbox.copySandboxUrl',
  'modbox.showSandboxDetails',
  'modbox.destroySandbox',
  'modbox.filterSandboxes',
  'modbox.showAllSandboxes',
  'modbox.showRunningSandboxes',
  'modbox.copySandboxLink',
  'modbox.openTerminal',
  'modbox.writeEnvFile',
  'modbox.switchAccount',
];

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [ma, mi] = version.split('.').map((n) => parseInt(n, 10));
  return ma > major || (ma === major && mi >= minor);
}

describe('activation in a real VS Code', () => {
  before(async function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed in this VS Code`);
    await ext.activate();
  });

  it('runs in the VS Code version the runner asked for in code-server, or 1.99+ on the desktop', () => {
    if (vscode.env.uiKind === vscode.UIKind.Web) {
      // Set by the runner: 1.99.3 or 1.139.1 (test/runner/codeServer.ts RELEASES).
      const expected = process.env.MODBOX_EXPECTED_VSCODE_VERSION;
      assert.ok(expected, 'the runner did not say which VS Code it started');
      assert.strictEqual(vscode.version, expected);
    } else {
      assert.ok(versionAtLeast(vscode.version, 1, 99), `VS Code ${vscode.version} is older than the engine ^1.99.0`);
    }
  });

  it('activates the Modbox extension', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext?.isActive, 'extension is not active after activate()');
    assert.strictEqual(ext.packageJSON.publisher, 'modbox');
  });

  it('registers every contributed command', async () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes.commands as { command: string }[])
      .map((c) => c.command);
    // The list here is the public contract: a command added to or dropped from package.json must be a decision.
    assert.deepStrictEqual([...contributed].sort(), [...COMMANDS].sort());
    assert.strictEqual(contributed.length, COMMANDS.length);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, [], 'contributed but not registered');
  });

  it('registers the modbox authentication provider', async () => {
    // Without a provider VS Code rejects with "No authentication provider 'modbox' is currently registered".
    const session = await vscode.authentication.getSession('modbox', [], { silent: true });
    assert.strictEqual(session, undefined, 'a fresh profile must be signed out');
  });

  it('declares the production URLs as setting defaults', () => {
    const config = vscode.workspace.getConfiguration('modbox');
    assert.strictEqual(config.inspect<string>('apiUrl')?.defaultValue, 'https://api.modbox.run');
    assert.strictEqual(config.inspect<string>('dashboardUrl')?.defaultValue, 'https://app.modbox.run');
  });

  it('points modbox.apiUrl at the emulator the runner started', () => {
    const emulatorUrl = process.env.MODBOX_EMULATOR_URL;
    assert.ok(emulatorUrl, 'MODBOX_EMULATOR_URL is not set in the extension host');
    assert.match(emulatorUrl, /^http:\/\/127\.0\.0\.2:\d+$/);
    assert.strictEqual(vscode.workspace.getConfiguration('modbox').get<string>('apiUrl'), emulatorUrl);
  });
});
