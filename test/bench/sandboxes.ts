// The Sandboxes view's figures: building its tree for a big workspace, the
// requests it makes while hidden (none), and while one sandbox provisions
// for 30 s with the view open (a few, backing off, none once it runs).
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { TestHooks } from '../../src/extension';
import { silentLogger } from '../../src/log/logger';
import { systemClock } from '../../src/util/clock';
import { SandboxesTreeProvider } from '../../src/views/sandboxesTree';
import { SandboxFilterState, SandboxTtls } from '../../src/views/sandboxState';
import { ActiveWorkspace } from '../../src/workspace/activeWorkspace';
import { control, seedSandboxes, setEmulatorConfig } from '../support/emulatorControl';
import { resetStats, sleep, stats, until } from './emulator';
import type { Gc } from './gc';
import { mintedSession, useSession } from './requests';
import type { RequestRecord, SandboxesResult } from './results';
import { buildOnce, MemoryState, summarize, type Sample } from './trees';

const SIDEBAR = 'workbench.view.extension.modbox';
const EXPLORER = 'workbench.view.explorer';
/** VS Code's own "focus this view" command for the Sandboxes view: opens the container and expands the view. */
const FOCUS_SANDBOXES = 'modbox.sandboxes.focus';
const PERSONAL = { id: '0b000000-0000-4000-8000-000000000001', name: 'Personal' };
const ENGINES = { id: '0b000000-0000-4000-8000-000000000002', name: 'Analytical Engines' };
/** Long enough for the view's backoff (2, 4, 8 s...) to have polled several times had it not stopped. */
const HIDDEN_MS = 15_000;
const PROVISION_MS = 30_000;
/** After the row shows running, how long to keep counting. */
const AFTER_RUNNING_MS = 5_000;

const slim = (r: RequestRecord): RequestRecord => ({ method: r.method, path: r.path, status: r.status });

export async function measureSandboxes(h: TestHooks, count: number, rounds: number, gc: Gc): Promise<SandboxesResult> {
  await vscode.commands.executeCommand(EXPLORER);
  await control('POST', '/reset', { seed: 'default' });
  await useSession(h, await mintedSession(false));
  const tree = await measureTree(h, count, rounds, gc);
  const hidden = await measureHidden(h);
  const provisioning = await measureProvisioning(h);
  await vscode.commands.executeCommand(EXPLORER);
  await control('POST', '/reset', { seed: 'default' });
  return { tree, hidden, provisioning };
}

/** A fresh provider per round, like the other trees: refresh until every row has its TreeItem. */
async function measureTree(h: TestHooks, count: number, rounds: number, gc: Gc): Promise<SandboxesResult['tree']> {
  // Analytical Engines has no sandboxes of its own: the tree shows exactly the seeded ones.
  await seedSandboxes(ENGINES.id, count, 'running');
  const account = h.account;
  const state = new MemoryState();
  const active = new ActiveWorkspace(state, () => account.apiUrl, () => account.session?.account.id);
  await active.set(ENGINES);
  const samples: Sample[] = [];
  for (let i = 0; i < rounds; i++) {
    samples.push(await buildOnce(() => new SandboxesTreeProvider({
      account, log: silentLogger, clock: systemClock, setContext: () => undefined, withViewProgress: (_v, task) => task(),
      activeWorkspace: active, filters: new SandboxFilterState(state), ttls: new SandboxTtls(state, () => Date.now()),
    }), 'sandbox', gc));
  }
  return summarize(samples, count);
}

/** Shows the Sandboxes view and waits until the extension's own provider knows it is visible. */
async function showSandboxes(h: TestHooks): Promise<void> {
  await vscode.commands.executeCommand(SIDEBAR);
  await vscode.commands.executeCommand(FOCUS_SANDBOXES);
  await until(() => h.views.sandboxes.isVisible, 10_000, 'the Sandboxes view to be visible');
}

async function measureHidden(h: TestHooks): Promise<SandboxesResult['hidden']> {
  // Provisioning sandboxes in the listed workspace: a visible view would poll for them.
  await setEmulatorConfig({ sandboxProvisionMs: 10 * 60_000 });
  const provisioning = await seedSandboxes(PERSONAL.id, 3, 'provisioning');
  await h.views.activeWorkspace.set(PERSONAL);
  await showSandboxes(h);
  await until(() => h.views.sandboxes.state.kind === 'loaded' && h.views.sandboxes.polling, 20_000, 'the view to load and start polling');
  await vscode.commands.executeCommand(EXPLORER);
  await until(() => !h.views.sandboxes.isVisible, 10_000, 'the Sandboxes view to be hidden');
  await resetStats();
  const t0 = performance.now();
  // Switching workspaces while hidden must not load either.
  await sleep(HIDDEN_MS / 3);
  await h.views.activeWorkspace.set(ENGINES);
  await sleep(HIDDEN_MS / 3);
  await h.views.activeWorkspace.set(PERSONAL);
  await sleep(HIDDEN_MS / 3);
  const requests = (await stats()).requests.map(slim);
  return { ms: Math.round(performance.now() - t0), provisioning, workspaceSwitches: 2, requests };
}

async function measureProvisioning(h: TestHooks): Promise<SandboxesResult['provisioning']> {
  await control('POST', '/reset', { seed: 'default' });
  await useSession(h, await mintedSession(false));
  await setEmulatorConfig({ sandboxProvisionMs: PROVISION_MS });
  await h.views.activeWorkspace.set(PERSONAL);
  await showSandboxes(h);
  await h.views.sandboxes.refresh();
  await resetStats();
  const t0 = performance.now();
  // The call Create Sandbox makes; then the view is what keeps the user informed.
  const provisioned = await h.account.client().provisionSandbox(PERSONAL.id, { taskId: 'bench-provisioning' });
  await h.views.sandboxes.refresh();
  const shownRunning = (): boolean => h.views.sandboxes.rows.some((n) => n.sandbox.id === provisioned.sandboxId && n.sandbox.status === 'running');
  await until(shownRunning, PROVISION_MS + 60_000, 'the view to show the sandbox running');
  const msUntilShownRunning = Math.round(performance.now() - t0);
  const before = (await stats()).requests.length;
  await sleep(AFTER_RUNNING_MS);
  const requests = (await stats()).requests.map(slim);
  return {
    provisionMs: PROVISION_MS,
    msUntilShownRunning,
    requests,
    listRequests: requests.filter((r) => r.method === 'GET' && r.path === '/sandboxes').length,
    requestsAfterRunning: requests.length - before,
  };
}
