// Several Modbox accounts in real VS Code: what VS Code's authentication API
// sees, per-account sign-out, the switcher and the migration from the
// single-account layout.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { accountIndexKey, parseIndex } from '../../../src/auth/session/accountIndex';
import type { StoredSession } from '../../../src/auth/session/session';
import { legacySessionKey, sessionKey } from '../../../src/auth/session/sessionStore';
import type { TestHooks } from '../../../src/extension';
import { storeAccountSession } from '../../support/accountStorage';
import { useInstalledExtension } from '../installed';
import { control, eventually, requests, rows, ScriptedUi } from '../views/helpers';
import { mintedSession } from '../views/extension';
import { configure, emulatorUrl, ScriptedSignInUi, sessionWhere, stats } from './helpers';

async function workspacesStatus(token: string): Promise<number> {
  const res = await fetch(`${emulatorUrl()}/workspaces`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  return res.status;
}

/** Signs the extension in as Ada and Grace (as other windows would), Ada shown. */
async function twoAccounts(h: TestHooks): Promise<{ ada: StoredSession; grace: StoredSession }> {
  const ada = await mintedSession();
  const grace = await mintedSession('grace@example.com');
  await storeAccountSession(h.secrets, h.account.apiUrl, ada);
  await sessionWhere(h, (s) => s?.accessToken === ada.accessToken);
  await storeAccountSession(h.secrets, h.account.apiUrl, grace);
  await eventually(() => h.account.accounts.some((a) => a.session?.accessToken === grace.accessToken), 10_000, 'the second account');
  return { ada, grace };
}

describe('several Modbox accounts (real VS Code, emulator)', function () {
  this.timeout(60_000);
  const ext = useInstalledExtension(() => new ScriptedUi());
  let h: TestHooks;
  let ui: ScriptedUi;
  beforeEach(() => void ({ h, ui } = ext));

  it('VS Code lists both accounts, and a session asked for by account is that account\'s', async () => {
    const { ada, grace } = await twoAccounts(h);
    // getAccounts is final in the VS Code versions we test; checked at run time for older hosts.
    const getAccounts = (vscode.authentication as { getAccounts?: (id: string) => Thenable<readonly vscode.AuthenticationSessionAccountInformation[]> }).getAccounts;
    assert.strictEqual(typeof getAccounts, 'function', `VS Code ${vscode.version} has no authentication.getAccounts`);
    await eventually(async () => (await vscode.authentication.getAccounts('modbox')).length === 2, 10_000, 'VS Code to list both accounts');
    const accounts = await vscode.authentication.getAccounts('modbox');
    assert.deepStrictEqual(accounts.map((a) => a.label).sort(), ['ada@example.com', 'grace@example.com']);
    const graceAccount = accounts.find((a) => a.id === grace.account.id);
    assert.ok(graceAccount, 'grace is listed by her account id');
    const session = await vscode.authentication.getSession('modbox', [], { account: graceAccount, silent: true });
    if (session) {
      assert.strictEqual(session.account.id, grace.account.id, 'VS Code handed out another account\'s session');
      assert.strictEqual(session.accessToken, grace.accessToken);
    }
    assert.strictEqual(h.account.session?.accessToken, ada.accessToken, 'asking VS Code for a session does not change the sidebar');
  });

  it('signing out of one account ends only its server session and keeps the other signed in', async () => {
    const { ada, grace } = await twoAccounts(h);
    const before = (await stats()).logoutCalls;
    await h.account.signOut(grace.account.id);
    assert.strictEqual((await stats()).logoutCalls, before + 1);
    assert.strictEqual(await workspacesStatus(grace.accessToken), 401, 'the server still accepts grace\'s token');
    assert.strictEqual(await workspacesStatus(ada.accessToken), 200, 'ada was signed out too');
    assert.strictEqual(await h.secrets.get(sessionKey(h.account.apiUrl, grace.account.id)), undefined);
    assert.ok(await h.secrets.get(sessionKey(h.account.apiUrl, ada.account.id)));
    await eventually(async () => (await vscode.authentication.getAccounts('modbox')).map((a) => a.label).join() === 'ada@example.com', 10_000, 'VS Code to drop grace only');
    assert.strictEqual(h.account.session?.accessToken, ada.accessToken);
  });

  it('Switch Account shows the other account\'s workspaces in the sidebar', async () => {
    const { grace } = await twoAccounts(h);
    await eventually(async () => (await rows(h.views.workspaces)).length > 0, 10_000, 'ada\'s workspaces');
    const adaRows = (await rows(h.views.workspaces)).map((r) => r.label).join();
    ui.answer('showQuickPick', (items: readonly vscode.QuickPickItem[]) => items.find((i) => i.label.includes('grace@example.com')));
    await vscode.commands.executeCommand('modbox.switchAccount');
    const offered = ui.called('showQuickPick')[0]?.items as vscode.QuickPickItem[];
    assert.deepStrictEqual(offered.slice(0, 2).map((i) => i.label), ['$(account) ada@example.com', '$(account) grace@example.com']);
    assert.strictEqual(h.account.session?.accessToken, grace.accessToken);
    await eventually(async () => {
      const shown = (await rows(h.views.workspaces)).map((r) => r.label).join();
      return shown !== '' && shown !== adaRows && !shown.includes('Loading');
    }, 10_000, 'grace\'s workspaces in place of ada\'s');
  });

  it('an account whose refresh token is refused is listed as signed out, and the other keeps working', async () => {
    const { ada, grace } = await twoAccounts(h);
    // Grace's refresh token is refused; an expired access token makes the next call spend it.
    await h.secrets.store(sessionKey(h.account.apiUrl, grace.account.id), JSON.stringify({ ...grace, refreshToken: 'not-a-real-refresh-token', accessExpiresAt: Date.now() - 1_000 }));
    await eventually(() => h.account.accounts.find((a) => a.id === grace.account.id)?.session === undefined, 15_000, 'grace to be signed out');
    const listed = h.account.accounts.map((a) => [a.label, a.session ? 'in' : 'out']);
    assert.deepStrictEqual(listed, [['ada@example.com', 'in'], ['grace@example.com', 'out']]);
    assert.strictEqual(h.account.session?.accessToken, ada.accessToken);
    ui.answer('showQuickPick', () => undefined);
    await vscode.commands.executeCommand('modbox.switchAccount');
    const offered = ui.called('showQuickPick')[0]?.items as vscode.QuickPickItem[];
    assert.strictEqual(offered[1].description, 'signed out — sign in again');
    assert.strictEqual(ui.called('showWarningMessage').length, 0, 'the shown account was not the one that expired');
  });

  it('migrates a session stored by the single-account version without signing anyone out', async () => {
    const ada = await mintedSession();
    await h.secrets.store(legacySessionKey(h.account.apiUrl), JSON.stringify(ada));
    // What activation does on the first start of the new version.
    await h.account.load();
    assert.strictEqual(h.account.session?.accessToken, ada.accessToken);
    assert.strictEqual(await h.secrets.get(legacySessionKey(h.account.apiUrl)), undefined, 'the old key is still there');
    assert.ok(await h.secrets.get(sessionKey(h.account.apiUrl, ada.account.id)));
    assert.deepStrictEqual(parseIndex((await h.secrets.get(accountIndexKey(h.account.apiUrl))) ?? '').map((a) => a.id), [ada.account.id]);
    assert.strictEqual((await stats()).logoutCalls, 0);
    assert.strictEqual(await workspacesStatus(ada.accessToken), 200);
  });
});

/** Ada and Grace both see Analytical Engines; only Grace sees her own workspace. */
const ENGINES = '0b000000-0000-4000-8000-000000000002';
const GRACES = '0b000000-0000-4000-8000-000000000004';

async function bindFolder(id: string | undefined): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner opened no folder');
  await vscode.workspace.getConfiguration('modbox', folder.uri).update('workspace', id, vscode.ConfigurationTarget.WorkspaceFolder);
}

describe('several Modbox accounts: a folder bound to a workspace (real VS Code, emulator)', function () {
  this.timeout(60_000);
  const ext = useInstalledExtension(() => new ScriptedUi());
  let h: TestHooks;
  let ui: ScriptedUi;
  beforeEach(async () => {
    ({ h, ui } = ext);
    await bindFolder(undefined);
  });
  afterEach(() => bindFolder(undefined));

  it('bound to a workspace only the other account sees: that account is shown, once, with its data', async () => {
    const { grace } = await twoAccounts(h);
    await control('POST', '/seed-sandboxes', { workspace_id: GRACES, count: 1, status: 'running' });
    await eventually(async () => (await rows(h.views.workspaces)).some((r) => r.label === 'Personal'), 10_000, 'ada\'s workspaces');
    await bindFolder(GRACES);
    await eventually(() => h.account.session?.account.id === grace.account.id, 15_000, 'grace to be shown');
    await eventually(() => ui.called('showInformationMessage').length > 0, 5_000, 'the notice');
    const notices = ui.called('showInformationMessage').map((c) => c.message);
    assert.deepStrictEqual(notices, [`Switched to grace@example.com: the folder '${vscode.workspace.workspaceFolders?.[0].name}' is bound to the workspace 'Grace's Workspace' (${GRACES}).`]);
    await eventually(() => h.views.activeWorkspace.id() === GRACES, 10_000, 'the bound workspace to be used');
    await eventually(async () => (await rows(h.views.workspaces)).some((r) => r.label.includes("Grace's Workspace")), 10_000, 'grace\'s workspaces');
    assert.ok(!(await rows(h.views.workspaces)).some((r) => r.label.includes('Personal')), 'ada\'s workspaces are still shown');
    await eventually(async () => (await rows(h.views.sandboxes)).some((r) => r.label.includes('bench-00001')), 10_000, 'grace\'s sandbox');
    assert.ok((await requests()).filter((r) => r.path.startsWith('/sandboxes')).every((r) => r.workspaceId === GRACES || r.workspaceId === null));
    assert.strictEqual(ui.called('showWarningMessage').length, 0, 'the binding was reported as unusable');
    assert.strictEqual(h.views.activeWorkspace.problem(), undefined);
    // The user's own choice afterwards stands: switching back to Ada is not undone.
    await h.account.select(h.account.accounts.find((a) => a.id !== grace.account.id)?.id ?? '');
    await eventually(() => h.views.activeWorkspace.problem()?.kind === 'notVisible', 10_000, 'ada\'s check of the binding');
    // A full round of loading after the check, time enough for a switch to have happened.
    await h.views.refresh();
    assert.notStrictEqual(h.account.session?.account.id, grace.account.id, 'the switch back was undone');
    assert.strictEqual(ui.called('showInformationMessage').length, 1);
  });

  it('bound to a workspace both accounts see: no switch', async () => {
    const { ada } = await twoAccounts(h);
    await bindFolder(ENGINES);
    await eventually(() => h.views.activeWorkspace.id() === ENGINES, 10_000, 'the bound workspace to be used');
    assert.strictEqual(h.account.session?.account.id, ada.account.id);
    assert.deepStrictEqual(ui.called('showInformationMessage'), []);
    assert.deepStrictEqual(ui.called('showWarningMessage'), []);
  });
});

describe('several Modbox accounts: signing in through the browser (real VS Code, emulator, headless browser)', function () {
  this.timeout(90_000);
  const ext = useInstalledExtension(() => new ScriptedSignInUi());
  let h: TestHooks;
  beforeEach(() => void ({ h } = ext));
  afterEach(() => configure({ ssoEmail: 'ada@example.com' }));

  it('a second identity adds an account; the same identity again renews it instead of adding one', async () => {
    await configure({ autoConsent: 'approve' });
    const ada = await h.account.signIn({ method: 'github', flow: 'loopbackRelay' });
    await configure({ ssoEmail: 'grace@example.com' });
    const grace = await h.account.signIn({ method: 'github', flow: 'loopbackRelay' });
    assert.ok(ada && grace, 'a sign-in did not finish');
    assert.notStrictEqual(grace.account.id, ada.account.id);
    assert.deepStrictEqual(h.account.accounts.map((a) => a.label), ['ada@example.com', 'grace@example.com']);
    assert.strictEqual(h.account.session?.account.label, 'grace@example.com', 'the new account is shown');
    await configure({ ssoEmail: 'ada@example.com' });
    const again = await h.account.signIn({ method: 'google', flow: 'loopbackRelay' });
    assert.strictEqual(again?.account.id, ada.account.id);
    assert.notStrictEqual(again.accessToken, ada.accessToken);
    assert.strictEqual(h.account.accounts.length, 2, 'the same identity was added twice');
    assert.strictEqual((await workspacesStatus(grace.accessToken)), 200, 'renewing ada touched grace');
    await eventually(async () => (await vscode.authentication.getAccounts('modbox')).length === 2, 10_000, 'VS Code to list two accounts');
  });
});
