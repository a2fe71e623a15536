// Benchmark entry for VS Code's extension host (the extensionTestsPath
// contract: run() is called once). Measures, writes the JSON result to
// MODBOX_BENCH_RESULTS, and resolves; the runner prints and judges.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { redactValue } from '../../src/log/redact';
import { measureActivation } from './activation';
import { obtainGc } from './gc';
import { hooks, measureRefresh, measureSidebar } from './requests';
import type { SuiteResult } from './results';
import { measureSandboxes } from './sandboxes';
import { measureTrees } from './trees';

export const RESULTS_ENV = 'MODBOX_BENCH_RESULTS';
// Enough rounds for a median that a few disturbed rounds on a shared machine do not move.
const ACTIVATION_ROUNDS = 60;
/** The workbench is still starting when run() is called; measure after it settles. */
const IDLE_BEFORE_MS = 5000;
const REFRESH_CALLERS = 50;
const TREE_SEED = { workspaces: 1000, tokens: 5000 };
const TREE_ROUNDS = 5;
const SANDBOXES = 1000;

export async function run(): Promise<void> {
  const gc = obtainGc();
  const result: SuiteResult = {
    vscodeVersion: vscode.version,
    appHost: vscode.env.appHost,
    uiKind: vscode.UIKind[vscode.env.uiKind],
    nodeVersion: process.version,
    errors: [],
  };
  const rejections: string[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(redactValue(reason));
  process.on('unhandledRejection', onRejection);

  const section = async <T>(name: string, body: () => Promise<T>): Promise<T | undefined> => {
    console.log(`bench: ${name}...`);
    try {
      return await body();
    } catch (e) {
      const error = redactValue(e);
      console.log(`bench: ${name} failed: ${error}`);
      result.errors.push({ section: name, error });
      return undefined;
    }
  };

  try {
    await new Promise((r) => setTimeout(r, IDLE_BEFORE_MS));
    // First, while the extension is not active yet.
    result.activation = await section('activation', () => measureActivation(ACTIVATION_ROUNDS, gc));
    const h = await section('test hooks', hooks);
    if (h) {
      result.sidebar = await section('sidebar requests', () => measureSidebar(h));
      result.refresh = await section('concurrent refresh', () => measureRefresh(h, REFRESH_CALLERS));
      result.trees = await section('tree build', () => measureTrees(h, TREE_SEED, TREE_ROUNDS, gc));
      result.sandboxes = await section('sandboxes', () => measureSandboxes(h, SANDBOXES, TREE_ROUNDS, gc));
      await section('sign out', () => h.account.signOut());
    }
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    process.removeListener('unhandledRejection', onRejection);
  }
  for (const r of rejections) {
    result.errors.push({ section: 'unhandled rejection', error: r });
  }
  const file = process.env[RESULTS_ENV];
  if (file) {
    fs.writeFileSync(file, JSON.stringify(result, null, 2));
  }
  console.log(`bench: done, ${result.errors.length} error(s)`);
}
