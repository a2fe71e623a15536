// Tree build time and memory for a big account. The providers are the
// extension's own classes (compiled from src), bound to the running
// extension's account, so requests go through its real client and transport.
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { TestHooks } from '../../src/extension';
import { silentLogger } from '../../src/log/logger';
import { systemClock } from '../../src/util/clock';
import { ApiTokensTreeProvider } from '../../src/views/apiTokensTree';
import { WorkspacesTreeProvider } from '../../src/views/workspacesTree';
import { ActiveWorkspace } from '../../src/workspace/activeWorkspace';
import { control } from '../support/emulatorControl';
import type { Gc } from './gc';
import { mintedSession, useSession } from './requests';
import { spread, type TreeBuild, type TreesResult } from './results';

export class MemoryState {
  private readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, value);
  }
}

export interface Provider<N> extends vscode.TreeDataProvider<N>, vscode.Disposable {
  refresh(): Promise<void>;
}

export interface Sample {
  rows: number;
  fetchMs: number;
  renderMs: number;
  heap: number;
}

export async function buildOnce<N>(make: () => Provider<N>, kind: string, gc: Gc): Promise<Sample> {
  gc.collect();
  const before = process.memoryUsage().heapUsed;
  const provider = make();
  const t0 = performance.now();
  await provider.refresh();
  const t1 = performance.now();
  const children = ((await provider.getChildren()) ?? []) as N[];
  const items = children.map((c) => provider.getTreeItem(c));
  const t2 = performance.now();
  const rows = children.filter((c) => (c as { kind?: string }).kind === kind).length;
  if (rows === 0) {
    provider.dispose();
    throw new Error(`the tree shows no ${kind} rows (${children.length} other rows)`);
  }
  gc.collect();
  const heap = process.memoryUsage().heapUsed - before;
  // Keeps provider and items alive until after the measurement.
  if (items.length !== children.length) {
    throw new Error('getTreeItem count differs');
  }
  provider.dispose();
  return { rows, fetchMs: t1 - t0, renderMs: t2 - t1, heap };
}

export function summarize(samples: Sample[], seeded: number): TreeBuild {
  return {
    seeded,
    items: Math.min(...samples.map((s) => s.rows)),
    fetchMs: spread(samples.map((s) => s.fetchMs)),
    renderMs: spread(samples.map((s) => s.renderMs)),
    totalMs: spread(samples.map((s) => s.fetchMs + s.renderMs)),
    heapGrowthBytes: spread(samples.map((s) => s.heap)),
  };
}

export async function measureTrees(h: TestHooks, seed: { workspaces: number; tokens: number }, rounds: number, gc: Gc): Promise<TreesResult> {
  await vscode.commands.executeCommand('workbench.view.explorer');
  await control('POST', '/reset', { seed });
  await useSession(h, await mintedSession(false));
  const account = h.account;
  const deps = {
    account,
    log: silentLogger,
    clock: systemClock,
    setContext: () => undefined,
    withViewProgress: <T>(_viewId: string, task: () => Promise<T>) => task(),
  };
  const active = new ActiveWorkspace(new MemoryState(), () => account.apiUrl, () => account.session?.account.id);
  const ws: Sample[] = [];
  const tokens: Sample[] = [];
  for (let i = 0; i < rounds; i++) {
    ws.push(await buildOnce(() => new WorkspacesTreeProvider({ ...deps, activeWorkspace: active }), 'workspace', gc));
    tokens.push(await buildOnce(() => new ApiTokensTreeProvider(deps), 'apiToken', gc));
  }
  await control('POST', '/reset', { seed: 'default' });
  return { seed, rounds, gc: gc.how, workspaces: summarize(ws, seed.workspaces), apiTokens: summarize(tokens, seed.tokens) };
}
