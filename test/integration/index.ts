// Tests entry for VS Code's extension host (the @vscode/test-electron contract:
// VS Code calls run() and exits with 0 when it resolves, 1 when it rejects).
import * as fs from 'fs';
import * as vscode from 'vscode';
import { findTestFiles, runMochaFiles } from '../runner/mochaRun';
import { recordedFigures } from './figures';

/** Set by the runner: where to write the JSON result, read back outside the host. */
export const RESULTS_ENV = 'MODBOX_INTEGRATION_RESULTS';

export async function run(): Promise<void> {
  const host = `VS Code ${vscode.version} (appHost ${vscode.env.appHost}, uiKind ${vscode.UIKind[vscode.env.uiKind]}, remoteName ${vscode.env.remoteName ?? 'none'})`;
  console.log(`integration: running in ${host}`);
  const summary = await runMochaFiles({ suite: 'integration', files: findTestFiles(__dirname), timeoutMs: 20_000, grep: process.env.MODBOX_TEST_GREP || undefined });
  const resultsFile = process.env[RESULTS_ENV];
  if (resultsFile) {
    const result = {
      ...summary,
      vscodeVersion: vscode.version,
      appHost: vscode.env.appHost,
      uiKind: vscode.UIKind[vscode.env.uiKind],
      remoteName: vscode.env.remoteName ?? null,
      figures: recordedFigures(),
    };
    fs.writeFileSync(resultsFile, JSON.stringify(result, null, 2));
  }
  if (summary.failed > 0) {
    throw new Error(`integration: ${summary.failed} failed`);
  }
}
