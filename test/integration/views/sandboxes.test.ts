// The Sandboxes view and its commands in the installed extension inside a
// real VS Code, against the emulator's sandbox lifecycle: prompts answered
// through hooks.setUi, rows read through the extension's own provider.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestHooks } from '../../../src/extension';
import type { SandboxNode } from '../../../src/views/sandboxesTree';
import { SANDBOX_FILTER_KEY } from '../../../src/views/sandboxState';
import { useInstalledExtension } from '../installed';
import { modboxLog, signInAs, watchContextKeys } from './extension';
import { control, emulatorUrl, eventually, requests, rows, ScriptedUi, setFault } from './helpers';

const PERSONAL = '0b000000-0000-4000-8000-000000000001';
const ENGINES = '0b000000-0000-4000-8000-000000000002';
const NOTEBOOK = '0e000000-0000-4000-8000-000000000001';

const run = (command: string, ...args: unknown[]) => vscode.commands.executeCommand(command, ...args);

async function sandboxRequests(): Promise<Array<{ method: string; path: string; status: number; workspaceId: string | null }>> {
  return (await requests()).filter((r) => r.path.startsWith('/sandbox'));
}

async function loaded(h: TestHooks): Promise<void> {
  h.views.sandboxes.getChildren();
  await eventually(() => h.views.sandboxes.state.kind === 'loaded', 8000, 'the sandbox list');
}

function node(h: TestHooks, name: string): SandboxNode {
  const found = h.views.sandboxes.rows.find((n) => n.sandbox.name === name);
  assert.ok(found, `no sandbox row '${name}' in ${h.views.sandboxes.rows.map((n) => n.sandbox.name).join(', ')}`);
  return found;
}

/** Answers every Create Sandbox prompt: task id, image, TTL, env vars (then an empty one to finish). */
function answerCreate(ui: ScriptedUi, taskId: string, image: string, ttl: string, ...envVars: string[]): void {
  ui.answer('showInputBox', taskId)
    .answer('showQuickPick', image, ttl)
    .answer('showInputBox', ...envVars, '');
}

describe('Modbox views: sandboxes', function () {
  this.timeout(30_000);
  const ext = useInstalledExtension(() => new ScriptedUi());
  let h: TestHooks;
  let ui: ScriptedUi;

  beforeEach(async () => {
    ({ h, ui } = ext);
    await control('POST', '/config', { sandboxProvisionMs: 1500 });
    // Hidden, so only the test asks for rows (tests that need the view visible show it).
    await run('workbench.view.explorer');
    await signInAs(h);
    await h.views.activeWorkspace.set({ id: PERSONAL, name: 'Personal' });
    await h.globalState.update(SANDBOX_FILTER_KEY, undefined);
    await h.views.sandboxes.refresh();
    await control('POST', '/stats/reset');
  });

  afterEach(async () => {
    // The active workspace and filter live in global state: leave none behind for other suites.
    await h.views.activeWorkspace.set(undefined);
    await h.globalState.update(SANDBOX_FILTER_KEY, undefined);
  });

  describe('the list', () => {
    it('lists the active workspace only (X-Workspace-Id sent), hides destroyed ones, and a running row opens on click', async () => {
      await h.views.sandboxes.refresh();
      const shown = await rows(h.views.sandboxes);
      assert.deepStrictEqual(shown.map((r) => r.label), ['notebook-runner']);
      assert.strictEqual(shown[0].contextValue, 'sandbox.running.url');
      assert.strictEqual(shown[0].command, 'modbox.openSandbox');
      assert.match(shown[0].description, /^python:3\.12 · /);
      const lists = (await sandboxRequests()).filter((r) => r.method === 'GET' && r.path.startsWith('/sandboxes'));
      assert.ok(lists.length >= 1);
      assert.ok(lists.every((r) => r.workspaceId === PERSONAL), JSON.stringify(lists));
    });

    it('switching the active workspace lists the other workspace', async () => {
      await loaded(h);
      await h.views.activeWorkspace.set({ id: ENGINES, name: 'Analytical Engines' });
      assert.strictEqual(h.views.sandboxes.state.kind, 'stale', 'the old rows stayed');
      await loaded(h);
      assert.ok(!h.views.sandboxes.rows.some((n) => n.sandbox.id === NOTEBOOK), "Personal's sandbox is listed in Engines");
      assert.ok(h.views.sandboxes.rows.every((n) => n.workspaceId === ENGINES));
      const lists = (await sandboxRequests()).filter((r) => r.method === 'GET');
      assert.deepStrictEqual(lists.map((r) => r.workspaceId), [ENGINES]);
    });

    it('filters running/all from the view title, remembered per workspace, without a request', async () => {
      await loaded(h);
      const watch = watchContextKeys(h.views.sandboxes);
      try {
        await run('modbox.showAllSandboxes');
        assert.deepStrictEqual((await rows(h.views.sandboxes)).map((r) => r.label).sort(), ['nightly-build', 'notebook-runner']);
        const destroyed = (await rows(h.views.sandboxes)).find((r) => r.label === 'nightly-build');
        assert.strictEqual(destroyed?.contextValue, 'sandbox.destroyed.url');
        assert.strictEqual(destroyed?.command, undefined, 'a destroyed row opens on click');
        assert.match(destroyed?.description ?? '', /^destroyed · /);
        assert.strictEqual(watch.keys.get('modbox.sandboxes.filter'), 'all');
        assert.deepStrictEqual(await sandboxRequests(), [], 'the filter made a request');

        await h.views.activeWorkspace.set({ id: ENGINES, name: 'Analytical Engines' });
        assert.strictEqual(h.views.sandboxes.filter, 'running', 'the filter leaked into another workspace');
        await h.views.activeWorkspace.set({ id: PERSONAL, name: 'Personal' });
        assert.strictEqual(h.views.sandboxes.filter, 'all', 'the filter was not remembered');

        await run('modbox.showRunningSandboxes');
        await loaded(h);
        assert.deepStrictEqual((await rows(h.views.sandboxes)).map((r) => r.label), ['notebook-runner']);
        assert.strictEqual(watch.keys.get('modbox.sandboxes.filter'), 'running');
      } finally {
        watch.stop();
      }
    });

    it('says when the workspace has no sandboxes (empty key), and asks for a workspace without one, making no request', async () => {
      const watch = watchContextKeys(h.views.sandboxes);
      try {
        await h.views.activeWorkspace.set({ id: ENGINES, name: 'Analytical Engines' });
        await loaded(h);
        assert.deepStrictEqual(await rows(h.views.sandboxes), []);
        assert.strictEqual(watch.keys.get('modbox.sandboxes.empty'), true);

        await h.views.activeWorkspace.set(undefined);
        await control('POST', '/stats/reset');
        assert.deepStrictEqual(await rows(h.views.sandboxes), []);
        assert.strictEqual(watch.keys.get('modbox.sandboxes.noWorkspace'), true);
        assert.strictEqual(watch.keys.get('modbox.sandboxes.empty'), false);
        assert.deepStrictEqual(await sandboxRequests(), []);
      } finally {
        watch.stop();
      }
    });

    it('shows a load failure as an error row with Retry above the rows it had, and recovers', async () => {
      await loaded(h);
      await setFault('GET /sandboxes', { kind: 'status', status: 503, detail: 'maintenance' });
      await h.views.sandboxes.refresh();
      const failed = await rows(h.views.sandboxes);
      assert.match(failed[0].label, /^Couldn't load sandboxes: /);
      assert.strictEqual(failed[0].contextValue, 'error');
      assert.strictEqual(failed[0].command, 'modbox.refresh');
      assert.deepStrictEqual(failed.slice(1).map((r) => r.label), ['notebook-runner']);
      await control('DELETE', '/faults');
      await h.views.sandboxes.refresh();
      assert.deepStrictEqual((await rows(h.views.sandboxes)).map((r) => r.label), ['notebook-runner']);
    });

    it('reveals a sandbox by id (for deep links), showing all when it is a destroyed one; an unknown id is false', async () => {
      assert.strictEqual(await h.views.sandboxes.reveal(NOTEBOOK), true);
      assert.strictEqual(h.views.sandboxes.isVisible, true, 'the view was not shown');
      assert.strictEqual(await h.views.sandboxes.reveal('0e000000-0000-4000-8000-0000000000ff'), false);
      assert.strictEqual(h.views.sandboxes.filter, 'running');
      assert.strictEqual(await h.views.sandboxes.reveal('0e000000-0000-4000-8000-000000000002'), true);
      assert.strictEqual(h.views.sandboxes.filter, 'all');
    });

    it('polls while a sandbox is provisioning and the view is visible, and stops once none is', async () => {
      await control('POST', '/config', { sandboxProvisionMs: 2500 });
      await control('POST', '/seed-sandboxes', { workspace_id: PERSONAL, count: 1, status: 'provisioning' });
      await run('modbox.sandboxes.focus');
      await eventually(() => h.views.sandboxes.isVisible, 8000, 'the Sandboxes view to be visible');
      await h.views.sandboxes.refresh();
      assert.strictEqual(node(h, 'bench-00001').sandbox.status, 'provisioning');
      await eventually(() => h.views.sandboxes.polling, 8000, 'polling to start');
      await eventually(() => h.views.sandboxes.rows.some((n) => n.sandbox.name === 'bench-00001' && n.sandbox.status === 'running'),
        15_000, 'the poll to show it running');
      await eventually(() => !h.views.sandboxes.polling, 8000, 'polling to stop');
      const lists = (await sandboxRequests()).filter((r) => r.method === 'GET' && r.path.startsWith('/sandboxes'));
      assert.ok(lists.length >= 2 && lists.length <= 6, `${lists.length} list requests`);

      // Hidden, nothing polls even while one is provisioning.
      await control('POST', '/seed-sandboxes', { workspace_id: PERSONAL, count: 1, status: 'provisioning' });
      await run('workbench.view.explorer');
      await eventually(() => !h.views.sandboxes.isVisible, 8000, 'the view to be hidden');
      await h.views.sandboxes.refresh();
      assert.ok(h.views.sandboxes.rows.some((n) => n.sandbox.status === 'provisioning'));
      assert.strictEqual(h.views.sandboxes.polling, false, 'polls while hidden');
    });
  });

  describe('create', () => {
    it('asks task id, image, TTL and env vars, provisions once, waits with a counting notification, then offers Open and Copy URL', async () => {
      answerCreate(ui, 'it-create', 'modbox/chromium', '5 min', 'DEBUG=1');
      ui.answer('showInformationMessage', 'Copy URL');
      await run('modbox.createSandbox');

      const [taskInput] = ui.called('showInputBox');
      const input = taskInput.options as { value: string; validateInput: (v: string) => unknown };
      assert.match(input.value, /-[0-9a-f]{4}$/);
      assert.ok(input.validateInput(''), 'empty task id accepted');
      assert.ok(input.validateInput('x'.repeat(256)), '256 characters accepted');
      assert.strictEqual(input.validateInput('x'.repeat(255)), undefined);

      const [imagePick, ttlPick] = ui.called('showQuickPick');
      const imageLabels = (imagePick.items as vscode.QuickPickItem[]).map((i) => i.label);
      assert.strictEqual(imageLabels[0], 'Workspace default');
      assert.ok(['modbox/code-exec', 'modbox/chromium', 'modbox/ubuntu'].every((l) => imageLabels.includes(l)), imageLabels.join());
      assert.deepStrictEqual((ttlPick.items as vscode.QuickPickItem[]).map((i) => i.label),
        ['2 min', '5 min', '30 min', '1 h', '4 h', '24 h', 'No limit', 'Custom…']);

      const calls = await sandboxRequests();
      const provisions = calls.filter((r) => r.path === '/sandboxes/provision');
      assert.strictEqual(provisions.length, 1);
      assert.strictEqual(provisions[0].workspaceId, PERSONAL);
      assert.ok(calls.some((r) => r.path === '/sandboxes/wait' && r.workspaceId === PERSONAL));
      assert.strictEqual(ui.progress.length, 1);
      assert.match(ui.progress[0].title, /^Provisioning sandbox 'it-create'…$/);
      assert.match(ui.progress[0].messages[0], /^0 s$/);

      const created = node(h, 'it-create');
      assert.strictEqual(created.sandbox.status, 'running');
      assert.match(created.sandbox.image ?? '', /^modbox\/chromium/);
      const row = (await rows(h.views.sandboxes)).find((r) => r.label === 'it-create');
      assert.match(row?.description ?? '', / · [45] min left$/);
      const running = ui.called('showInformationMessage').find((c) => c.message === "Sandbox 'it-create' is running.");
      assert.deepStrictEqual(running?.items, ['Open', 'Copy URL']);
      assert.deepStrictEqual(ui.clipboard, [created.sandbox.sandboxUrl]);
      await eventually(async () => (await modboxLog(h)).includes('A sandbox is running.'), 8000, 'the log line');
      assert.ok(!(await modboxLog(h)).includes('DEBUG=1'), 'an env var was logged');
    });

    it('opens the new sandbox from the running notification', async () => {
      answerCreate(ui, 'it-open', 'Workspace default', 'No limit');
      ui.answer('showInformationMessage', 'Open');
      await run('modbox.createSandbox');
      assert.deepStrictEqual(ui.opened, [node(h, 'it-open').sandbox.sandboxUrl]);
      assert.ok(!(await rows(h.views.sandboxes)).find((r) => r.label === 'it-open')?.description.includes('left'), 'a TTL was guessed');
    });

    it('takes a custom TTL in 60–86400 seconds', async () => {
      ui.answer('showInputBox', 'it-custom')
        .answer('showQuickPick', 'Workspace default', 'Custom…')
        .answer('showInputBox', '90', '')
        .answer('showInformationMessage', undefined);
      await run('modbox.createSandbox');
      const custom = ui.called('showInputBox')[1].options as { validateInput: (v: string) => unknown };
      assert.ok(custom.validateInput('59'));
      assert.ok(custom.validateInput('86401'));
      assert.strictEqual(custom.validateInput('90'), undefined);
      assert.strictEqual(node(h, 'it-custom').sandbox.status, 'running');
      assert.match((await rows(h.views.sandboxes)).find((r) => r.label === 'it-custom')?.description ?? '', /(1 min|less than a minute) left$/);
    });

    it('Cancel stops waiting, not the sandbox, and says so', async () => {
      await control('POST', '/config', { sandboxProvisionMs: 60_000 });
      answerCreate(ui, 'it-cancel', 'Workspace default', '30 min');
      const done = run('modbox.createSandbox');
      await eventually(() => ui.progress.length === 1, 8000, 'the progress notification');
      await eventually(async () => (await sandboxRequests()).some((r) => r.path === '/sandboxes/wait'), 8000, 'a wait call');
      const cancelledAt = Date.now();
      ui.progress[0].cancel();
      await done;
      assert.ok(Date.now() - cancelledAt < 3000, 'Cancel was not prompt');
      const info = ui.called('showInformationMessage').map((c) => c.message);
      assert.ok(info.some((m) => /^Stopped waiting\. Sandbox 'it-cancel' keeps provisioning/.test(m)), info.join('\n'));
      assert.ok(!(await sandboxRequests()).some((r) => r.path === '/sandboxes/destroy'), 'cancel destroyed the sandbox');
      await h.views.sandboxes.refresh();
      assert.strictEqual(node(h, 'it-cancel').sandbox.status, 'provisioning');
    });

    it('shows a success:false refusal as plain text and never retries the provision', async () => {
      answerCreate(ui, 'notebook-runner', 'Workspace default', '2 min');
      await run('modbox.createSandbox');
      const provisions = (await sandboxRequests()).filter((r) => r.path === '/sandboxes/provision');
      assert.strictEqual(provisions.length, 1);
      assert.ok(!(await sandboxRequests()).some((r) => r.path === '/sandboxes/wait'));
      const [error] = ui.called('showErrorMessage');
      assert.match(error.message, /^Couldn't create sandbox 'notebook-runner': /);
      assert.ok(error.message.includes('already exists'), error.message);
      assert.strictEqual(ui.progress.length, 0);
    });

    it('reports a sandbox that fails while provisioning', async () => {
      await control('POST', '/config', { sandboxProvisionMs: 500, sandboxOutcome: 'failed' });
      answerCreate(ui, 'it-fails', 'Workspace default', '2 min');
      await run('modbox.createSandbox');
      const errors = ui.called('showErrorMessage').map((c) => c.message);
      assert.ok(errors.some((m) => m === "Sandbox 'it-fails' did not start: Modbox reports it as failed."), errors.join('\n'));
    });

    it('makes no request when a prompt is escaped', async () => {
      ui.answer('showInputBox', 'it-escaped').answer('showQuickPick', 'Workspace default', undefined);
      await run('modbox.createSandbox');
      assert.ok(!(await sandboxRequests()).some((r) => r.method === 'POST'));
    });
  });

  describe('open, copy, details', () => {
    it('opens a running row: http only to this machine, https anywhere, anything else refused', async () => {
      await loaded(h);
      const notebook = node(h, 'notebook-runner');
      await run('modbox.openSandbox', notebook);
      assert.deepStrictEqual(ui.opened, [notebook.sandbox.sandboxUrl]);
      assert.ok(notebook.sandbox.sandboxUrl?.startsWith(emulatorUrl()));

      const fake = (sandboxUrl: string): SandboxNode => ({ ...notebook, sandbox: { ...notebook.sandbox, sandboxUrl } });
      await run('modbox.openSandbox', fake('https://sb.example.com/x'));
      assert.strictEqual(ui.opened[1], 'https://sb.example.com/x');
      for (const bad of ['http://sb.example.com/', 'javascript:alert(1)', 'command:modbox.signOut', 'file:///etc/passwd']) {
        await run('modbox.openSandbox', fake(bad));
      }
      assert.strictEqual(ui.opened.length, 2, ui.opened.join('\n'));
      const refusals = ui.called('showErrorMessage').map((c) => c.message);
      assert.strictEqual(refusals.length, 4);
      assert.ok(refusals.every((m) => m.startsWith("Not opening sandbox 'notebook-runner'")), refusals.join('\n'));
    });

    it('opens from the palette through a pick of the sandboxes with a URL', async () => {
      ui.answer('showQuickPick', 'notebook-runner');
      await run('modbox.openSandbox');
      assert.strictEqual(ui.opened.length, 1);
      assert.deepStrictEqual((ui.called('showQuickPick')[0].items as vscode.QuickPickItem[]).map((i) => i.label), ['notebook-runner']);
    });

    it('copies the id and the URL', async () => {
      await loaded(h);
      const notebook = node(h, 'notebook-runner');
      await run('modbox.copySandboxId', notebook);
      await run('modbox.copySandboxUrl', notebook);
      assert.deepStrictEqual(ui.clipboard, [NOTEBOOK, notebook.sandbox.sandboxUrl]);
      assert.deepStrictEqual(ui.called('showInformationMessage').map((c) => c.message),
        ["Copied the ID of sandbox 'notebook-runner'.", "Copied the URL of sandbox 'notebook-runner'."]);
    });

    it('shows the details as read-only pretty JSON from the detail call', async () => {
      await loaded(h);
      await run('modbox.showSandboxDetails', node(h, 'notebook-runner'));
      const editor = vscode.window.activeTextEditor;
      assert.strictEqual(editor?.document.uri.scheme, 'modbox-sandbox');
      const json = JSON.parse(editor.document.getText()) as { id: string; name: string };
      assert.strictEqual(json.id, NOTEBOOK);
      assert.strictEqual(json.name, 'notebook-runner');
      assert.ok(editor.document.getText().includes('\n  "'), 'not indented');
      const details = (await sandboxRequests()).filter((r) => r.path === `/sandboxes/detail/${NOTEBOOK}`);
      assert.deepStrictEqual(details.map((r) => r.workspaceId), [PERSONAL]);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });
  });

  describe('destroy', () => {
    it('destroys after a modal naming the sandbox and the workspace; the row leaves the list', async () => {
      await loaded(h);
      ui.answer('showWarningMessage', 'Destroy');
      await run('modbox.destroySandbox', node(h, 'notebook-runner'));
      const [modal] = ui.called('showWarningMessage');
      assert.strictEqual(modal.message, "Destroy sandbox 'notebook-runner' in workspace 'Personal'?");
      assert.strictEqual((modal.options as { modal: boolean }).modal, true);
      const destroys = (await sandboxRequests()).filter((r) => r.path === '/sandboxes/destroy');
      assert.deepStrictEqual(destroys.map((r) => [r.workspaceId, r.status]), [[PERSONAL, 200]]);
      await h.views.sandboxes.refresh();
      assert.deepStrictEqual((await rows(h.views.sandboxes)).map((r) => r.label), []);
    });

    it('does nothing when the modal is dismissed', async () => {
      await loaded(h);
      ui.answer('showWarningMessage', undefined);
      await run('modbox.destroySandbox', node(h, 'notebook-runner'));
      assert.ok(!(await sandboxRequests()).some((r) => r.path === '/sandboxes/destroy'));
    });

    it('destroys every selected row after one confirmation', async () => {
      await control('POST', '/seed-sandboxes', { workspace_id: PERSONAL, count: 2, status: 'running' });
      await h.views.sandboxes.refresh();
      const selected = ['bench-00001', 'bench-00002', 'notebook-runner'].map((name) => node(h, name));
      ui.answer('showWarningMessage', 'Destroy');
      await run('modbox.destroySandbox', selected[0], selected);
      const modals = ui.called('showWarningMessage');
      assert.strictEqual(modals.length, 1);
      assert.strictEqual(modals[0].message, "Destroy 3 sandboxes in workspace 'Personal'?");
      assert.match((modals[0].options as { detail: string }).detail, /bench-00001, bench-00002, notebook-runner/);
      assert.strictEqual((await sandboxRequests()).filter((r) => r.path === '/sandboxes/destroy').length, 3);
      await h.views.sandboxes.refresh();
      assert.deepStrictEqual((await rows(h.views.sandboxes)).map((r) => r.label), []);
    });
  });
});
