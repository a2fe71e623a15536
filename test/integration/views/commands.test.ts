// The view commands inside a real VS Code, against the emulator, with prompts scripted through the `ui` seam.
import * as assert from 'assert';
import { createApiToken, revokeApiToken } from '../../../src/commands/apiTokens';
import { openDashboard } from '../../../src/commands/dashboard';
import { copyWorkspaceId, selectWorkspace } from '../../../src/commands/workspaces';
import type { ApiTokensTreeNode } from '../../../src/views/apiTokensTree';
import type { WorkspacesTreeNode } from '../../../src/views/workspacesTree';
import { control, makeHarness, mintSession, requests, resetEmulator, rows, setFault, type Harness } from './helpers';

const PERSONAL = '0b000000-0000-4000-8000-000000000001';
const ENGINES = '0b000000-0000-4000-8000-000000000002';

async function tokenNode(h: Harness, label: string): Promise<ApiTokensTreeNode> {
  const nodes = (await h.apiTokens.getChildren()) ?? [];
  const node = nodes.find((n) => n.kind === 'apiToken' && n.token.description === label);
  assert.ok(node, `no token row '${label}'`);
  return node;
}

const writes = async () => (await requests()).filter((r) => r.method === 'POST' || r.method === 'DELETE');

describe('Modbox views: commands', () => {
  let h: Harness;

  beforeEach(async () => {
    await resetEmulator();
    h = makeHarness();
    h.account.setSession(await mintSession());
    await Promise.all([h.workspaces.refresh(), h.apiTokens.refresh()]);
    await control('POST', '/stats/reset');
  });

  afterEach(async () => {
    h.dispose();
    await control('DELETE', '/faults');
  });

  describe('create API token', () => {
    it('creates once, shows the value once in a modal, copies it, lists the new token, never logs it', async () => {
      h.ui.answer('showInputBox', 'it-created').answer('showInformationMessage', 'Copy');
      await createApiToken(h.env);

      const input = h.ui.called('showInputBox')[0].options as { value: string; validateInput: (v: string) => unknown };
      assert.strictEqual(input.value, 'vscode-test-machine');
      assert.ok(input.validateInput(''), 'empty description accepted');
      assert.ok(input.validateInput('x'.repeat(256)), '256 characters accepted');
      assert.strictEqual(input.validateInput('ok'), undefined);

      const posts = (await writes()).filter((r) => r.path === '/api-tokens/');
      assert.strictEqual(posts.length, 1);
      const [modal, copied] = h.ui.called('showInformationMessage');
      assert.deepStrictEqual((modal.options as { modal: boolean }).modal, true);
      const value = h.ui.clipboard[0];
      assert.match(value, /^mbx_/);
      assert.ok((modal.options as { detail: string }).detail.includes(value), 'the modal shows the value');
      assert.strictEqual(copied.message, "Copied. Store it somewhere safe: it won't be shown again.");
      assert.ok(h.log.lines.every((l) => !l.includes(value)), 'the token value was logged');

      await h.apiTokens.refresh();
      assert.strictEqual((await rows(h.apiTokens))[0].label, 'it-created');
    });

    it('copies as MODBOX_API_TOKEN=... when asked', async () => {
      h.ui.answer('showInputBox', 'env-style').answer('showInformationMessage', 'Copy as MODBOX_API_TOKEN=…');
      await createApiToken(h.env);
      assert.match(h.ui.clipboard[0], /^MODBOX_API_TOKEN=mbx_/);
    });

    it('makes no request when the input box is escaped', async () => {
      h.ui.answer('showInputBox', undefined);
      await createApiToken(h.env);
      assert.deepStrictEqual(await writes(), []);
    });

    it('says why a create failed, does not retry the POST, and leaves the list alone', async () => {
      await setFault('POST /api-tokens/', { kind: 'status', status: 422, detail: 'description is not allowed' });
      h.ui.answer('showInputBox', 'refused');
      await createApiToken(h.env);
      assert.strictEqual((await writes()).length, 1);
      const [error] = h.ui.called('showErrorMessage');
      assert.match(error.message, /^Couldn't create the API token: /);
      assert.ok(error.message.includes('description is not allowed'), error.message);
      assert.deepStrictEqual((await rows(h.apiTokens)).map((r) => r.label), ['deploy-bot', 'laptop', 'ci-pipeline']);
      assert.deepStrictEqual(h.ui.clipboard, []);
    });

    it('after a 429 offers Try Again, and creates exactly once when the user takes it', async function () {
      this.timeout(15_000);
      await setFault('POST /api-tokens/', { kind: 'rateLimit', retryAfterSeconds: 1, times: 1 });
      h.ui.answer('showInputBox', 'after-busy').answer('showErrorMessage', 'Try Again').answer('showInformationMessage', undefined);
      await createApiToken(h.env);
      const posts = (await writes()).filter((r) => r.path === '/api-tokens/');
      assert.deepStrictEqual(posts.map((p) => p.status), [429, 201]);
      assert.match(h.ui.called('showErrorMessage')[0].message, /rate limit/i);
    });

    it('offers Sign In when signed out, and carries on after signing in', async () => {
      h.account.setSession(undefined);
      h.account.nextSignIn = () => mintSession();
      h.ui.answer('showInformationMessage', 'Sign In').answer('showInputBox', undefined);
      await createApiToken(h.env);
      assert.strictEqual(h.account.signInCalls, 1);
      assert.strictEqual(h.ui.called('showInputBox').length, 1);
    });
  });

  describe('revoke API token', () => {
    it('revokes the row it was run on after the modal, and the row is gone', async () => {
      h.ui.answer('showWarningMessage', 'Revoke');
      await revokeApiToken(h.env, await tokenNode(h, 'ci-pipeline'));
      const [modal] = h.ui.called('showWarningMessage');
      assert.strictEqual(modal.message, "Revoke 'ci-pipeline'? Anything using it stops working immediately.");
      assert.strictEqual((modal.options as { modal: boolean }).modal, true);
      const deletes = await writes();
      assert.deepStrictEqual(deletes.map((d) => `${d.method} ${d.status}`), ['DELETE 204']);
      assert.ok(!(await rows(h.apiTokens)).some((r) => r.label === 'ci-pipeline'));
      await h.apiTokens.refresh();
      assert.deepStrictEqual((await rows(h.apiTokens)).map((r) => r.label), ['deploy-bot', 'laptop']);
    });

    it('makes no request when the modal is cancelled', async () => {
      h.ui.answer('showWarningMessage', undefined);
      await revokeApiToken(h.env, await tokenNode(h, 'laptop'));
      assert.deepStrictEqual(await writes(), []);
      assert.strictEqual((await rows(h.apiTokens)).length, 3);
    });

    it('asks which token from the palette', async () => {
      h.ui.answer('showQuickPick', 'laptop').answer('showWarningMessage', 'Revoke');
      await revokeApiToken(h.env);
      const pick = h.ui.called('showQuickPick')[0];
      assert.deepStrictEqual((pick.items as Array<{ label: string }>).map((i) => i.label), ['deploy-bot', 'laptop', 'ci-pipeline']);
      assert.strictEqual((await writes()).length, 1);
      assert.ok(!(await rows(h.apiTokens)).some((r) => r.label === 'laptop'));
    });

    it('treats an already revoked token (404) as done, not as an error', async () => {
      const node = await tokenNode(h, 'deploy-bot');
      h.ui.answer('showWarningMessage', 'Revoke', 'Revoke');
      await revokeApiToken(h.env, node);
      await revokeApiToken(h.env, node);
      assert.deepStrictEqual((await writes()).map((d) => d.status), [204, 404]);
      assert.deepStrictEqual(h.ui.called('showErrorMessage'), []);
    });

    it('says why a revoke failed and keeps the row', async () => {
      await setFault('DELETE /api-tokens/*', { kind: 'status', status: 500 });
      h.ui.answer('showWarningMessage', 'Revoke');
      await revokeApiToken(h.env, await tokenNode(h, 'laptop'));
      const [error] = h.ui.called('showErrorMessage');
      assert.match(error.message, /^Couldn't revoke 'laptop': /);
      assert.strictEqual((await writes()).length, 1, 'the DELETE was retried');
      assert.ok((await rows(h.apiTokens)).some((r) => r.label === 'laptop'));
    });
  });

  describe('workspaces', () => {
    it('selects the active workspace, marks it and persists it per API URL', async () => {
      h.ui.answer('showQuickPick', (items) => items.find((i) => i.label === 'Analytical Engines'));
      await selectWorkspace(h.env);
      assert.strictEqual(h.active.id(), ENGINES);
      const stored = h.memento.get<Record<string, { id: string }>>('modbox.activeWorkspace');
      assert.strictEqual(Object.values(stored ?? {})[0]?.id, ENGINES);

      const list = await rows(h.workspaces);
      const engines = list.find((r) => r.label === 'Analytical Engines');
      assert.strictEqual(engines?.contextValue, 'workspace.active');
      assert.strictEqual(engines?.description, 'admin · active');

      // The picker marks the active one next time.
      h.ui.answer('showQuickPick', undefined);
      await selectWorkspace(h.env);
      const labels = (h.ui.called('showQuickPick')[1].items as Array<{ label: string }>).map((i) => i.label);
      assert.ok(labels.includes('$(check) Analytical Engines'), JSON.stringify(labels));
    });

    it('selects from the tree row without a picker', async () => {
      const nodes = (await h.workspaces.getChildren()) as WorkspacesTreeNode[];
      const personal = nodes.find((n) => n.kind === 'workspace' && n.workspace.id === PERSONAL);
      await selectWorkspace(h.env, personal);
      assert.strictEqual(h.active.id(), PERSONAL);
      assert.deepStrictEqual(h.ui.called('showQuickPick'), []);
    });

    it('forgets the choice for another account', async () => {
      await h.active.set({ id: PERSONAL, name: 'Personal' });
      h.account.setSession(await mintSession('grace@example.com'));
      assert.strictEqual(h.active.id(), undefined);
    });

    it('copies a workspace id from the row or the palette', async () => {
      const nodes = (await h.workspaces.getChildren()) as WorkspacesTreeNode[];
      await copyWorkspaceId(h.env, nodes.find((n) => n.kind === 'workspace' && n.workspace.id === ENGINES));
      h.ui.answer('showQuickPick', 'Personal');
      await copyWorkspaceId(h.env);
      assert.deepStrictEqual(h.ui.clipboard, [ENGINES, PERSONAL]);
    });

    it('opens the dashboard and its API tokens page', async () => {
      await openDashboard(h.env, 'home');
      await openDashboard(h.env, 'apiTokens');
      assert.deepStrictEqual(h.ui.opened, ['http://127.0.0.2:1/dash', 'http://127.0.0.2:1/dash/api-tokens']);
    });
  });
});
