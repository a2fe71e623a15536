// Terminal credentials in a real VS Code: what a new terminal's shell sees,
// compared with the emulator's record of the dedicated token (only its prefix
// and length are printed, so the value never reaches the terminal or a file).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TestHooks } from '../../../src/extension';
import type { ApiTokensTreeNode } from '../../../src/views/apiTokensTree';
import { emulatorApiTokens, emulatorUrl, mint, type EmulatorApiToken } from '../../support/emulatorControl';
import { useInstalledExtension } from '../installed';
import { signInAs } from '../views/extension';
import { eventually, ScriptedUi } from '../views/helpers';

const PERSONAL = '0b000000-0000-4000-8000-000000000001';
const ADA_ID = '0a000000-0000-4000-8000-000000000001';

const setting = () => vscode.workspace.getConfiguration('modbox');
const setCredentials = (on: boolean) => setting().update('terminal.credentials', on, vscode.ConfigurationTarget.Global);

interface ShellView {
  prefix: string;
  length: number;
  workspace: string;
  apiUrl: string;
}

let probe = 0;

/** Opens a terminal, has its shell write what it sees of the Modbox variables to a file, and reads that back. */
async function whatTheShellSees(open: () => vscode.Terminal | Promise<vscode.Terminal>): Promise<ShellView> {
  const file = path.join(os.tmpdir(), `modbox-terminal-probe-${process.pid}-${++probe}.txt`);
  fs.rmSync(file, { force: true });
  const terminal = await open();
  try {
    // POSIX sh: the first four characters and the length of the token, never the token.
    terminal.sendText(
      `printf '%s|%s|%s|%s\\n' "$(printf %s "$MODBOX_API_TOKEN" | cut -c1-4)" "$(printf %s "$MODBOX_API_TOKEN" | wc -c | tr -d ' ')" ` +
      `"$MODBOX_WORKSPACE_ID" "$MODBOX_API_URL" > '${file}.part' && mv '${file}.part' '${file}'`,
    );
    await eventually(() => fs.existsSync(file), 15_000, 'the shell to write its probe');
    const [prefix, length, workspace, apiUrl] = fs.readFileSync(file, 'utf8').trim().split('|');
    return { prefix, length: Number(length), workspace, apiUrl };
  } finally {
    terminal.dispose();
    fs.rmSync(file, { force: true });
  }
}

const plainTerminal = () => vscode.window.createTerminal({ name: 'probe' });

async function terminalTokens(): Promise<EmulatorApiToken[]> {
  return (await emulatorApiTokens()).filter((t) => t.description.startsWith('VS Code terminal – '));
}

/** The one terminal token the extension holds, as the emulator records it. */
async function dedicatedToken(h: TestHooks): Promise<EmulatorApiToken> {
  await eventually(() => h.terminal.credentials.tokenId() !== undefined, 10_000, 'the terminal token');
  await h.terminal.settled();
  const id = h.terminal.credentials.tokenId();
  const record = (await terminalTokens()).find((t) => t.id === id);
  assert.ok(record, 'the emulator has no such token');
  return record;
}

async function tokenRow(h: TestHooks, id: string): Promise<ApiTokensTreeNode> {
  await h.views.apiTokens.refresh();
  const node = ((await h.views.apiTokens.getChildren()) ?? []).find((n) => n.kind === 'apiToken' && n.token.id === id);
  assert.ok(node, 'the terminal token is not listed');
  return node;
}

describe('terminal credentials', function () {
  this.timeout(60_000);
  const ext = useInstalledExtension(() => new ScriptedUi());
  let h: TestHooks;
  let ui: ScriptedUi;

  beforeEach(async () => {
    ({ h, ui } = ext);
    await setCredentials(false);
    await signInAs(h);
    await h.views.activeWorkspace.set({ id: PERSONAL, name: 'Personal' });
  });

  afterEach(async () => {
    await setCredentials(false);
    await h.terminal.settled();
  });

  // First: the offer is made once per window, and later tests open terminals with the setting off.
  it('offers the setting once when a signed-in user opens a terminal; "Don\'t Ask Again" is remembered', async () => {
    await h.globalState.update('modbox.terminal.credentialsOffer.v1', undefined);
    ui.answer('showInformationMessage', "Don't Ask Again");
    const t = plainTerminal();
    try {
      await eventually(() => ui.called('showInformationMessage').some((c) => c.message.startsWith('Sign new terminals in')), 10_000, 'the offer');
      await eventually(() => (h.globalState.get<{ answer: string }>('modbox.terminal.credentialsOffer.v1'))?.answer === 'never', 5000, 'the answer');
      assert.strictEqual(setting().get('terminal.credentials'), false);
    } finally {
      t.dispose();
    }
  });

  it('with the setting on, a new terminal gets the dedicated token, the workspace and the API URL; sign-out takes it away and revokes it', async () => {
    await setCredentials(true);
    const record = await dedicatedToken(h);
    assert.strictEqual(record.userId, ADA_ID);
    assert.notStrictEqual(record.value, h.account.session?.accessToken);

    const seen = await whatTheShellSees(plainTerminal);
    assert.deepStrictEqual(seen, { prefix: 'mbx_', length: record.value.length, workspace: PERSONAL, apiUrl: emulatorUrl() });

    // Marked in the API tokens view.
    const item = h.views.apiTokens.getTreeItem(await tokenRow(h, record.id));
    assert.match(String(item.description), /^terminal · /);
    assert.strictEqual((item.iconPath as vscode.ThemeIcon).id, 'terminal');

    // Reused, never a second one.
    assert.strictEqual((await h.terminal.credentials.ensureToken())?.id, record.id);
    assert.strictEqual((await terminalTokens()).length, 1);

    await h.account.signOut();
    await eventually(async () => !(await terminalTokens()).some((t) => t.id === record.id), 10_000, 'the server to revoke the terminal token');
    assert.deepStrictEqual(await whatTheShellSees(plainTerminal), { prefix: '', length: 0, workspace: '', apiUrl: '' });
  });

  it('the workspace variable follows the active workspace', async () => {
    await setCredentials(true);
    await dedicatedToken(h);
    await h.views.activeWorkspace.set({ id: '0b000000-0000-4000-8000-000000000002', name: 'Analytical Engines' });
    await h.terminal.settled();
    assert.strictEqual((await whatTheShellSees(plainTerminal)).workspace, '0b000000-0000-4000-8000-000000000002');
  });

  it('turning the setting off removes the variables at once and revokes the token on the server', async () => {
    await setCredentials(true);
    const record = await dedicatedToken(h);
    await setCredentials(false);
    await eventually(async () => !(await terminalTokens()).some((t) => t.id === record.id), 10_000, 'the revocation');
    assert.strictEqual(h.terminal.credentials.tokenId(), undefined);
    assert.strictEqual((await whatTheShellSees(plainTerminal)).length, 0);
  });

  it('Open Terminal Signed In gives that terminal the variables while the setting stays off', async () => {
    const opened = new Promise<vscode.Terminal>((resolve) => {
      const sub = vscode.window.onDidOpenTerminal((t) => {
        if (t.name === 'Modbox') {
          sub.dispose();
          resolve(t);
        }
      });
    });
    const seen = await whatTheShellSees(async () => {
      await vscode.commands.executeCommand('modbox.openTerminal');
      return opened;
    });
    const record = await dedicatedToken(h);
    assert.deepStrictEqual(seen, { prefix: 'mbx_', length: record.value.length, workspace: PERSONAL, apiUrl: emulatorUrl() });
    assert.strictEqual((await whatTheShellSees(plainTerminal)).length, 0, 'other terminals got the token');
    // Not a reason to offer the setting.
    assert.ok(!ui.called('showInformationMessage').some((c) => c.message.startsWith('Sign new terminals in')));
  });

  it('revoking the terminal token in the tree removes it from terminals and turns the setting off', async () => {
    await setCredentials(true);
    const record = await dedicatedToken(h);
    ui.answer('showWarningMessage', 'Revoke');
    await vscode.commands.executeCommand('modbox.revokeApiToken', await tokenRow(h, record.id));
    await eventually(() => setting().get('terminal.credentials') === false, 10_000, 'the setting to go off');
    assert.ok(!(await terminalTokens()).some((t) => t.id === record.id));
    assert.strictEqual(h.terminal.credentials.tokenId(), undefined);
    assert.strictEqual((await whatTheShellSees(plainTerminal)).length, 0);
  });

  it('a token revoked elsewhere is replaced once, and new terminals get the replacement', async () => {
    await setCredentials(true);
    const first = await dedicatedToken(h);
    const { access_token } = await mint();
    const res = await fetch(`${emulatorUrl()}/api-tokens/${first.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${access_token}` } });
    assert.strictEqual(res.status, 204);
    assert.strictEqual((await h.terminal.credentials.validate())?.kind, 'recreated');
    const second = await dedicatedToken(h);
    assert.notStrictEqual(second.id, first.id);
    assert.strictEqual((await whatTheShellSees(plainTerminal)).length, second.value.length);
  });

});
