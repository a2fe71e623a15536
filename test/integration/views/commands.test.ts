// The registered view commands of the installed extension inside a real
// VS Code, against the emulator, run with executeCommand on its own account
// and trees, with prompts answered through the one UI seam (hooks.setUi).
import * as assert from 'assert';
import { hostname } from 'os';
import * as vscode from 'vscode';
import type { TestHooks } from '../../../src/extension';
import type { ApiTokensTreeNode } from '../../../src/views/apiTokensTree';
import type { WorkspacesTreeNode } from '../../../src/views/workspacesTree';
import { createRealApiToken, signOutQuietly } from '../auth/helpers';
import { mintedSession, modboxLog, signInAs, storeSession } from './extension';
import { control, eventually, requests, rows, ScriptedUi, setFault } from './helpers';
import { useInstalledExtension } from '../installed';

const PERSONAL = '0b000000-0000-4000-8000-000000000001';
const ENGINES = '0b000000-0000-4000-8000-000000000002';

async function tokenNode(h: TestHooks, label: string): Promise<ApiTokensTreeNode> {
  const nodes = (await h.views.apiTokens.getChildren()) ?? [];
  const node = nodes.find((n) => n.kind === 'apiToken' && n.token.description === label);
  assert.ok(node, `no token row '${label}'`);
  return node;
}

const writes = async () => (await requests()).filter((r) => r.method === 'POST' || r.method === 'DELETE');

const run = (command: string, ...args: unknown[]) => vscode.commands.executeCommand(command, ...args);

describe('Modbox views: commands', () => {
  const ext = useInstalledExtension(() => new ScriptedUi());
  let h: TestHooks;
  let ui: ScriptedUi;

  beforeEach(async () => {
    ({ h, ui } = ext);
    await signInAs(h);
    await h.views.activeWorkspace.set(undefined);
    await h.views.refresh();
    await control('POST', '/stats/reset');
  });


  describe('create API token', () => {
    it('creates once, shows the value once in a modal, copies it, lists the new token, never logs it', async () => {
      ui.answer('showInputBox', 'it-created').answer('showInformationMessage', 'Copy');
      await run('modbox.createApiToken');

      const input = ui.called('showInputBox')[0].options as { value: string; validateInput: (v: string) => unknown };
      assert.strictEqual(input.value, `vscode-${hostname()}`.slice(0, 255));
      assert.ok(input.validateInput(''), 'empty description accepted');
      assert.ok(input.validateInput('x'.repeat(256)), '256 characters accepted');
      assert.strictEqual(input.validateInput('ok'), undefined);

      const posts = (await writes()).filter((r) => r.path === '/api-tokens/');
      assert.strictEqual(posts.length, 1);
      const [modal, copied] = ui.called('showInformationMessage');
      assert.deepStrictEqual((modal.options as { modal: boolean }).modal, true);
      const value = ui.clipboard[0];
      assert.match(value, /^mbx_/);
      assert.ok((modal.options as { detail: string }).detail.includes(value), 'the modal shows the value');
      assert.strictEqual(copied.message, "Copied. Store it somewhere safe: it won't be shown again.");
      // The log file is written behind the channel: wait for the command's own line, then look.
      await eventually(async () => (await modboxLog(h)).includes('Created an API token.'), 8000, 'the log line');
      assert.ok(!(await modboxLog(h)).includes(value), 'the token value was logged');

      await h.views.apiTokens.refresh();
      assert.strictEqual((await rows(h.views.apiTokens))[0].label, 'it-created');
    });

    it('copies as MODBOX_API_TOKEN=... when asked', async () => {
      ui.answer('showInputBox', 'env-style').answer('showInformationMessage', 'Copy as MODBOX_API_TOKEN=…');
      await run('modbox.createApiToken');
      assert.match(ui.clipboard[0], /^MODBOX_API_TOKEN=mbx_/);
    });

    it('makes no request when the input box is escaped', async () => {
      ui.answer('showInputBox', undefined);
      await run('modbox.createApiToken');
      assert.deepStrictEqual(await writes(), []);
    });

    it('says why a create failed, does not retry the POST, and leaves the list alone', async () => {
      await setFault('POST /api-tokens/', { kind: 'status', status: 422, detail: 'description is not allowed' });
      ui.answer('showInputBox', 'refused');
      await run('modbox.createApiToken');
      assert.strictEqual((await writes()).length, 1);
      const [error] = ui.called('showErrorMessage');
      assert.match(error.message, /^Couldn't create the API token: /);
      assert.ok(error.message.includes('description is not allowed'), error.message);
      assert.deepStrictEqual((await rows(h.views.apiTokens)).map((r) => r.label), ['deploy-bot', 'laptop', 'ci-pipeline']);
      assert.deepStrictEqual(ui.clipboard, []);
    });

    it('after a 429 offers Try Again, and creates exactly once when the user takes it', async function () {
      this.timeout(15_000);
      await setFault('POST /api-tokens/', { kind: 'rateLimit', retryAfterSeconds: 1, times: 1 });
      ui.answer('showInputBox', 'after-busy').answer('showErrorMessage', 'Try Again').answer('showInformationMessage', undefined);
      await run('modbox.createApiToken');
      const posts = (await writes()).filter((r) => r.path === '/api-tokens/');
      assert.deepStrictEqual(posts.map((p) => p.status), [429, 201]);
      assert.match(ui.called('showErrorMessage')[0].message, /rate limit/i);
    });

    it('offers Sign In when signed out, and carries on after signing in', async () => {
      await signOutQuietly(h);
      // The real sign-in, with an API token: pick the method, paste a real token, then the create asks for a description.
      const token = await createRealApiToken('sign-in-from-create');
      ui.answer('showInformationMessage', 'Sign In')
        .answer('showQuickPick', (items) => items.find((i) => /API token/i.test(i.label)))
        .answer('showInputBox', token, undefined);
      await run('modbox.createApiToken');
      assert.strictEqual(h.account.session?.kind, 'apiToken', 'not signed in');
      const inputs = ui.called('showInputBox');
      assert.strictEqual(inputs.length, 2, 'signed in, but the create did not carry on');
      assert.strictEqual((inputs[1].options as { value: string }).value, `vscode-${hostname()}`.slice(0, 255));
    });
  });

  describe('revoke API token', () => {
    it('revokes the row it was run on after the modal, and the row is gone', async () => {
      ui.answer('showWarningMessage', 'Revoke');
      await run('modbox.revokeApiToken', await tokenNode(h, 'ci-pipeline'));
      const [modal] = ui.called('showWarningMessage');
      assert.strictEqual(modal.message, "Revoke 'ci-pipeline'? Anything using it stops working immediately.");
      assert.strictEqual((modal.options as { modal: boolean }).modal, true);
      const deletes = await writes();
      assert.deepStrictEqual(deletes.map((d) => `${d.method} ${d.status}`), ['DELETE 204']);
      assert.ok(!(await rows(h.views.apiTokens)).some((r) => r.label === 'ci-pipeline'));
      await h.views.apiTokens.refresh();
      assert.deepStrictEqual((await rows(h.views.apiTokens)).map((r) => r.label), ['deploy-bot', 'laptop']);
    });

    it('makes no request when the modal is cancelled', async () => {
      ui.answer('showWarningMessage', undefined);
      await run('modbox.revokeApiToken', await tokenNode(h, 'laptop'));
      assert.deepStrictEqual(await writes(), []);
      assert.strictEqual((await rows(h.views.apiTokens)).length, 3);
    });

    it('asks which token from the palette', async () => {
      ui.answer('showQuickPick', 'laptop').answer('showWarningMessage', 'Revoke');
      await run('modbox.revokeApiToken');
      const pick = ui.called('showQuickPick')[0];
      assert.deepStrictEqual((pick.items as Array<{ label: string }>).map((i) => i.label), ['deploy-bot', 'laptop', 'ci-pipeline']);
      assert.strictEqual((await writes()).length, 1);
      assert.ok(!(await rows(h.views.apiTokens)).some((r) => r.label === 'laptop'));
    });

    it('treats an already revoked token (404) as done, not as an error', async () => {
      const node = await tokenNode(h, 'deploy-bot');
      ui.answer('showWarningMessage', 'Revoke', 'Revoke');
      await run('modbox.revokeApiToken', node);
      await run('modbox.revokeApiToken', node);
      assert.deepStrictEqual((await writes()).map((d) => d.status), [204, 404]);
      assert.deepStrictEqual(ui.called('showErrorMessage'), []);
    });

    it('says why a revoke failed and keeps the row', async () => {
      await setFault('DELETE /api-tokens/*', { kind: 'status', status: 500 });
      ui.answer('showWarningMessage', 'Revoke');
      await run('modbox.revokeApiToken', await tokenNode(h, 'laptop'));
      const [error] = ui.called('showErrorMessage');
      assert.match(error.message, /^Couldn't revoke 'laptop': /);
      assert.strictEqual((await writes()).length, 1, 'the DELETE was retried');
      assert.ok((await rows(h.views.apiTokens)).some((r) => r.label === 'laptop'));
    });
  });

  describe('workspaces', () => {
    it('selects the active workspace, marks it and persists it per API URL', async () => {
      ui.answer('showQuickPick', (items) => items.find((i) => i.label === 'Analytical Engines'), 'For all folders');
      await run('modbox.selectWorkspace');
      assert.strictEqual(h.views.activeWorkspace.id(), ENGINES);
      const stored = h.globalState.get<Record<string, { id: string }>>('modbox.activeWorkspace');
      assert.strictEqual(Object.values(stored ?? {})[0]?.id, ENGINES);

      const list = await rows(h.views.workspaces);
      const engines = list.find((r) => r.label === 'Analytical Engines');
      assert.strictEqual(engines?.contextValue, 'workspace.active');
      assert.strictEqual(engines?.description, 'admin · active');

      // The picker marks the active one next time.
      ui.answer('showQuickPick', undefined);
      await run('modbox.selectWorkspace');
      // [0] the workspaces, [1] for this folder or all, [2] the workspaces again.
      const labels = (ui.called('showQuickPick')[2].items as Array<{ label: string }>).map((i) => i.label);
      assert.ok(labels.includes('$(check) Analytical Engines'), JSON.stringify(labels));
    });

    it('selects from the tree row without a picker', async () => {
      const nodes = (await h.views.workspaces.getChildren()) as WorkspacesTreeNode[];
      const personal = nodes.find((n) => n.kind === 'workspace' && n.workspace.id === PERSONAL);
      ui.answer('showQuickPick', 'For all folders');
      await run('modbox.selectWorkspace', personal);
      assert.strictEqual(h.views.activeWorkspace.id(), PERSONAL);
      // No workspace picker: only "for this folder or all folders" (the runner opened a folder).
      assert.deepStrictEqual(ui.called('showQuickPick').map((c) => c.message), ["Use 'Personal' for this folder only, or for all folders?"]);
    });

    it('forgets the choice for another account', async () => {
      await h.views.activeWorkspace.set({ id: PERSONAL, name: 'Personal' });
      await storeSession(h, await mintedSession('grace@example.com'));
      assert.strictEqual(h.views.activeWorkspace.id(), undefined);
    });

    it('copies a workspace id from the row or the palette', async () => {
      const nodes = (await h.views.workspaces.getChildren()) as WorkspacesTreeNode[];
      await run('modbox.copyWorkspaceId', nodes.find((n) => n.kind === 'workspace' && n.workspace.id === ENGINES));
      ui.answer('showQuickPick', 'Personal');
      await run('modbox.copyWorkspaceId');
      assert.deepStrictEqual(ui.clipboard, [ENGINES, PERSONAL]);
    });

    it('opens the dashboard and its API tokens page', async () => {
      const settings = vscode.workspace.getConfiguration('modbox');
      await settings.update('dashboardUrl', 'http://127.0.0.2:1/dash', vscode.ConfigurationTarget.Global);
      try {
        await run('modbox.openDashboard');
        await run('modbox.openApiTokensPage');
      } finally {
        await settings.update('dashboardUrl', undefined, vscode.ConfigurationTarget.Global);
      }
      assert.deepStrictEqual(ui.opened, ['http://127.0.0.2:1/dash', 'http://127.0.0.2:1/dash/api-tokens']);
    });
  });
});
