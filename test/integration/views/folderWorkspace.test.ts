// Which workspace a folder uses (its `modbox.workspace` setting over the
// account-wide choice), Select Active Workspace for this folder or all, and
// deep links, in a real VS Code with the folder the runner opened.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestHooks } from '../../../src/extension';
import { modboxLog, signInAs } from './extension';
import { control, eventually, requests, rows, ScriptedUi } from './helpers';
import { useInstalledExtension } from '../installed';

const PERSONAL = '0b000000-0000-4000-8000-000000000001';
const ENGINES = '0b000000-0000-4000-8000-000000000002';
/** Grace's own workspace: Ada is not a member. */
const GRACES = '0b000000-0000-4000-8000-000000000004';
/** Ada's running sandbox in Personal (seeded). */
const NOTEBOOK = '0e000000-0000-4000-8000-000000000001';

const sandboxLists = async () => (await requests()).filter((r) => r.method === 'GET' && r.path.startsWith('/sandboxes'));

const run = (command: string, ...args: unknown[]) => vscode.commands.executeCommand(command, ...args);

function folder(): vscode.WorkspaceFolder {
  const first = vscode.workspace.workspaceFolders?.[0];
  assert.ok(first, 'the runner opened no folder');
  return first;
}

const settings = () => vscode.workspace.getConfiguration('modbox', folder().uri);

async function bind(id: string | undefined): Promise<void> {
  await settings().update('workspace', id, vscode.ConfigurationTarget.WorkspaceFolder);
}

function bound(): string | undefined {
  return settings().get<string>('workspace') || undefined;
}

describe('Modbox: the folder\'s workspace and deep links', () => {
  const ext = useInstalledExtension(() => new ScriptedUi());
  let h: TestHooks;
  let ui: ScriptedUi;

  beforeEach(async () => {
    ({ h, ui } = ext);
    await bind(undefined);
    await signInAs(h);
    await h.views.activeWorkspace.set(undefined);
    await h.views.refresh();
    await control('POST', '/stats/reset');
  });

  afterEach(async () => {
    await bind(undefined);
  });

  describe('folder binding', () => {
    it('takes precedence over the choice for all folders once the account\'s list shows it, and the status bar says so', async () => {
      await h.views.activeWorkspace.set({ id: PERSONAL, name: 'Personal' });
      assert.strictEqual(h.views.statusBar.text, '$(briefcase) Personal');
      await bind(ENGINES);
      await eventually(() => h.views.activeWorkspace.id() === ENGINES, 8000, 'the bound workspace to be used');
      assert.deepStrictEqual(h.views.activeWorkspace.effective(), { id: ENGINES, name: 'Analytical Engines', source: 'folder' });
      assert.deepStrictEqual(h.views.activeWorkspace.effective(folder().uri)?.id, ENGINES);
      await eventually(() => h.views.statusBar.text === '$(briefcase) Analytical Engines (folder)', 5000, 'the status bar');
      assert.match(h.views.statusBar.tooltip ?? '', /this folder's setting modbox\.workspace/);
      // The Workspaces view marks the effective one.
      const rows = await h.views.workspaces.getChildren() ?? [];
      const engines = rows.find((n) => n.kind === 'workspace' && n.workspace.id === ENGINES);
      assert.ok(engines);
      assert.strictEqual((await h.views.workspaces.getTreeItem(engines)).contextValue, 'workspace.active');
      // The Sandboxes view lists the bound workspace: X-Workspace-Id is the folder's.
      await control('POST', '/stats/reset');
      await h.views.sandboxes.refresh();
      const lists = await sandboxLists();
      assert.ok(lists.length >= 1, 'no sandbox list was requested');
      assert.ok(lists.every((r) => r.workspaceId === ENGINES), JSON.stringify(lists));

      await bind(undefined);
      await eventually(() => h.views.activeWorkspace.id() === PERSONAL, 5000, 'the choice for all folders to come back');
      assert.strictEqual(h.views.statusBar.text, '$(briefcase) Personal');
    });

    it('a bound workspace the account cannot see: a warning with the fixes, no workspace used, never sent', async () => {
      await h.views.activeWorkspace.set({ id: PERSONAL, name: 'Personal' });
      await bind(GRACES);
      await eventually(() => ui.called('showWarningMessage').length > 0, 8000, 'the warning');
      const [warning] = ui.called('showWarningMessage');
      assert.match(warning.message, /names a workspace your account cannot see/);
      assert.ok(warning.message.includes(GRACES), warning.message);
      assert.deepStrictEqual(warning.items, ['Select Workspace', 'Open Settings']);
      assert.strictEqual(h.views.activeWorkspace.id(), undefined, 'neither the foreign id nor the account-wide choice');
      assert.strictEqual(h.views.activeWorkspace.problem()?.kind, 'notVisible');
      assert.strictEqual(h.views.statusBar.text, '$(warning) Modbox: folder workspace unavailable');
      // The Sandboxes view says why instead of listing anything.
      const shown = await rows(h.views.sandboxes);
      assert.strictEqual(shown.length, 1, JSON.stringify(shown));
      assert.strictEqual(shown[0].contextValue, 'error');
      assert.match(shown[0].label, /cannot see/);
      await h.views.sandboxes.refresh();
      assert.deepStrictEqual(await sandboxLists(), [], 'sandboxes were listed without the folder\'s workspace');
      assert.ok((await requests()).every((r) => r.workspaceId !== GRACES), 'the foreign id was sent');
    });

    it('a setting that is not an id is refused with the same warning kind', async () => {
      await bind('not/an id');
      await eventually(() => ui.called('showWarningMessage').length > 0, 8000, 'the warning');
      assert.match(ui.called('showWarningMessage')[0].message, /is not a workspace ID/);
      assert.strictEqual(h.views.activeWorkspace.id(), undefined);
    });
  });

  describe('Select Active Workspace', () => {
    it('"For this folder" writes the folder\'s setting, which then wins', async () => {
      await h.views.activeWorkspace.set({ id: PERSONAL, name: 'Personal' });
      ui.answer('showQuickPick', (items) => items.find((i) => i.label === 'Analytical Engines'), 'For this folder');
      await run('modbox.selectWorkspace');
      assert.strictEqual(bound(), ENGINES);
      const where = settings().inspect<string>('workspace');
      assert.strictEqual(where?.workspaceFolderValue ?? where?.workspaceValue, ENGINES);
      await eventually(() => h.views.activeWorkspace.effective()?.source === 'folder', 5000, 'the folder binding');
      assert.strictEqual(h.views.activeWorkspace.id(), ENGINES);
      assert.strictEqual(h.views.activeWorkspace.current?.id, PERSONAL, 'the choice for all folders changed');
    });

    it('"For all folders" with a folder binding offers to remove it; removing it lets the choice apply', async () => {
      await bind(ENGINES);
      await eventually(() => h.views.activeWorkspace.id() === ENGINES, 8000, 'the binding');
      ui.answer('showQuickPick', (items) => items.find((i) => i.label === 'Personal'), 'For all folders')
        .answer('showWarningMessage', 'Remove Folder Setting');
      await run('modbox.selectWorkspace');
      assert.match(ui.called('showWarningMessage')[0].message, /takes precedence/);
      assert.strictEqual(bound(), undefined);
      await eventually(() => h.views.activeWorkspace.id() === PERSONAL, 5000, 'the choice for all folders');
      assert.strictEqual(h.views.activeWorkspace.effective()?.source, 'account');
    });

    it('"For all folders", keeping the folder binding: it still wins, and the user is told', async () => {
      await bind(ENGINES);
      await eventually(() => h.views.activeWorkspace.id() === ENGINES, 8000, 'the binding');
      ui.answer('showQuickPick', (items) => items.find((i) => i.label === 'Personal'), 'For all folders')
        .answer('showWarningMessage', 'Keep It');
      await run('modbox.selectWorkspace');
      assert.strictEqual(h.views.activeWorkspace.current?.id, PERSONAL);
      assert.strictEqual(h.views.activeWorkspace.id(), ENGINES);
      assert.match(ui.called('showInformationMessage').at(-1)?.message ?? '', /still takes precedence/);
    });

    it('Escape at "for this folder or all" changes nothing', async () => {
      await h.views.activeWorkspace.set({ id: PERSONAL, name: 'Personal' });
      ui.answer('showQuickPick', (items) => items.find((i) => i.label === 'Analytical Engines'), undefined);
      await run('modbox.selectWorkspace');
      assert.strictEqual(ui.called('showQuickPick').length, 2);
      assert.strictEqual(bound(), undefined);
      assert.strictEqual(h.views.activeWorkspace.id(), PERSONAL);
    });
  });

  describe('deep links', () => {
    const link = (query: string) => vscode.Uri.parse(`${vscode.env.uriScheme}://modbox.vscode-modbox/open`).with({ query });

    it('through the URI handler: opens the workspace for all folders, focuses the view, ignores and never logs a token', async () => {
      const secret = 'refresh-value-that-must-not-be-logged';
      h.handleUri(link(`workspace=${ENGINES}&refresh_token=${secret}&access_token=${secret}`));
      await eventually(() => h.views.activeWorkspace.id() === ENGINES, 8000, 'the linked workspace');
      assert.strictEqual(h.views.activeWorkspace.effective()?.source, 'account');
      await eventually(async () => (await modboxLog(h)).includes('Opened a Modbox link.'), 8000, 'the log line');
      const log = await modboxLog(h);
      assert.ok(!log.includes(secret), 'a token-like parameter was logged');
      assert.match(log, /Ignored 2 credential-like parameter/);
      assert.deepStrictEqual(ui.called('showErrorMessage'), []);
    });

    it('opened as the browser would, through the host\'s own link handling', async () => {
      const external = await vscode.env.asExternalUri(link(`workspace=${ENGINES}`));
      assert.ok(await vscode.env.openExternal(external), 'the host did not open the link');
      await eventually(() => h.views.activeWorkspace.id() === ENGINES, 15000, 'the linked workspace');
    });

    it('reveals the linked sandbox in the Sandboxes view', async () => {
      await h.views.openLink(`workspace=${PERSONAL}&sandbox=${NOTEBOOK}`);
      assert.strictEqual(h.views.activeWorkspace.id(), PERSONAL);
      assert.deepStrictEqual(ui.called('showWarningMessage'), []);
      assert.deepStrictEqual(ui.called('showErrorMessage'), []);
      assert.strictEqual(h.views.sandboxes.isVisible, true, 'the Sandboxes view was not shown');
    });

    it('a sandbox that is not listed gets a clear message', async () => {
      const missing = '5a000000-0000-4000-8000-0000000000aa';
      await h.views.openLink(`workspace=${PERSONAL}&sandbox=${missing}`);
      assert.strictEqual(h.views.activeWorkspace.id(), PERSONAL);
      const [warning] = ui.called('showWarningMessage');
      assert.ok(warning?.message.includes(missing), JSON.stringify(ui.calls));
      assert.match(warning.message, /is not in the workspace 'Personal'/);
    });

    it('a workspace the account cannot see, or a malformed link: a message and nothing changes', async () => {
      await h.views.activeWorkspace.set({ id: PERSONAL, name: 'Personal' });
      await h.views.openLink(`workspace=${GRACES}`);
      await h.views.openLink('workspace=../../etc&sandbox=x');
      await h.views.openLink(`sandbox=${PERSONAL}`);
      const errors = ui.called('showErrorMessage').map((e) => e.message);
      assert.strictEqual(errors.length, 3, JSON.stringify(errors));
      assert.match(errors[0], /workspace your account cannot see/);
      assert.match(errors[1], /malformed/);
      assert.match(errors[2], /names no workspace/);
      assert.strictEqual(h.views.activeWorkspace.id(), PERSONAL);
    });

    it('signed out: offers sign-in, and Escape leaves it', async () => {
      await h.account.signOut();
      ui.answer('showInformationMessage', undefined);
      await h.views.openLink(`workspace=${ENGINES}`);
      assert.match(ui.called('showInformationMessage')[0].message, /Sign in to Modbox to open this link/);
      assert.deepStrictEqual(ui.called('showInformationMessage')[0].items, ['Sign In']);
    });

    it('when the folder binding wins, says so', async () => {
      await bind(PERSONAL);
      await eventually(() => h.views.activeWorkspace.id() === PERSONAL, 8000, 'the binding');
      ui.answer('showInformationMessage', undefined);
      await h.views.openLink(`workspace=${ENGINES}`);
      assert.strictEqual(h.views.activeWorkspace.current?.id, ENGINES);
      assert.strictEqual(h.views.activeWorkspace.id(), PERSONAL);
      assert.match(ui.called('showInformationMessage')[0].message, /takes precedence there/);
    });
  });

  describe('Copy Link to Sandbox', () => {
    it('from a sandbox row: a link with the editor\'s scheme, the workspace and the sandbox; from the palette: the workspace', async () => {
      const sandbox = '5a000000-0000-4000-8000-000000000001';
      await run('modbox.copySandboxLink', { kind: 'sandbox', sandbox: { id: sandbox, name: 'notebook-runner' }, workspaceId: PERSONAL });
      await h.views.activeWorkspace.set({ id: ENGINES, name: 'Analytical Engines' });
      await run('modbox.copySandboxLink');
      const scheme = vscode.env.uriScheme;
      assert.deepStrictEqual(ui.clipboard, [
        `${scheme}://modbox.vscode-modbox/open?workspace=${PERSONAL}&sandbox=${sandbox}`,
        `${scheme}://modbox.vscode-modbox/open?workspace=${ENGINES}`,
      ]);
      // The link opens what it names.
      await h.views.activeWorkspace.set(undefined);
      h.handleUri(vscode.Uri.parse(ui.clipboard[1]));
      await eventually(() => h.views.activeWorkspace.id() === ENGINES, 8000, 'the copied link to open');
    });

    it('from the palette with no workspace: says to choose one first', async () => {
      ui.answer('showInformationMessage', undefined);
      await run('modbox.copySandboxLink');
      assert.deepStrictEqual(ui.clipboard, []);
      assert.match(ui.called('showInformationMessage')[0].message, /Choose a Modbox workspace first/);
    });
  });
});
