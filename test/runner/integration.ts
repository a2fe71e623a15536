// `npm run test:integration`: runs out/test/integration in a real VS Code
// extension host against the Modbox emulator on 127.0.0.2.
// Desktop VS Code through @vscode/test-electron when VSCODE_EXECUTABLE_PATH is
// set; otherwise code-server in headless Chromium: VS Code 1.99.3 by default,
// MODBOX_VSCODE_VERSION=1.139.1 for today's release (see codeServer.ts RELEASES).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { startEmulator } from '../emulator/server';
import type { Emulator } from '../emulator/server';
import { BASE_SETTINGS, CODE_SERVER_DEBIAN_PACKAGES, codeServerAuth, ensureCodeServer, ensureDebianPackages, RELEASES, requestedVsCodeVersion } from './codeServer';
import type { SuiteFigures } from '../integration/figures';
import type { SuiteSummary } from './mochaRun';
import { repoRoot } from './paths';
import { runRunner, type RunnerScope } from '../support/runnerLifecycle';
import { RELIABILITY_FILE, saveReliabilityFigures } from './reliabilityResults';
import { scanForSecrets } from './secretScan';
import { launchVsCodeInBrowser } from './session';
import type { VsCodeBrowserSession } from './session';

const TIMEOUT_MS = Number(process.env.MODBOX_INTEGRATION_TIMEOUT_MS) || 20 * 60 * 1000;
const EMULATOR_HOST = '127.0.0.2';

interface Outcome {
  exitCode: number;
  kind: string;
}

type Result = SuiteSummary & { vscodeVersion: string; appHost: string; uiKind: string; remoteName: string | null; figures?: Record<string, SuiteFigures> };

async function runInDesktop(executable: string, testsEntry: string, env: Record<string, string>, settings: Record<string, unknown>, tmp: string): Promise<Outcome> {
  const userDataDir = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
  const folder = path.join(tmp, 'workspace');
  fs.mkdirSync(folder, { recursive: true });
  try {
    const exitCode = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsEntry,
      extensionTestsEnv: env,
      launchArgs: [folder, '--user-data-dir', userDataDir, '--extensions-dir', path.join(tmp, 'extensions'), '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-extensions'],
    });
    return { exitCode, kind: 'desktop' };
  } catch (e) {
    console.error(`integration: VS Code exited with an error: ${e instanceof Error ? e.message : String(e)}`);
    return { exitCode: 1, kind: 'desktop' };
  }
}

/** Everything the run printed, for the redaction check. */
const transcript: string[] = [];

async function runInCodeServer(vscodeVersion: string, testsEntry: string, env: Record<string, string>, settings: Record<string, unknown>, hold: (s: VsCodeBrowserSession) => void): Promise<Outcome> {
  // What users run: code-server's password login in front of everything, /proxy/<port>/ included.
  const auth = codeServerAuth('password');
  console.log(`integration: code-server with --auth ${auth}`);
  const session = await launchVsCodeInBrowser({
    vscodeVersion,
    auth,
    env: { ...env, MODBOX_CODE_SERVER_AUTH: auth },
    settings,
    trustedDomains: [env.MODBOX_EMULATOR_URL],
    trustedExtensionAuthAccess: ['modbox.vscode-modbox'],
    extensionTestsPath: testsEntry,
    log: (line) => {
      console.log(line);
      transcript.push(line);
    },
  });
  hold(session);
  let finished = false;
  const exitCode = await Promise.race([
    session.exitCode,
    session.codeServer.exited.then(() => {
      if (!finished) {
        console.error('integration: code-server exited before the suite finished');
      }
      return 1;
    }),
  ]);
  finished = true;
  return { exitCode, kind: 'code-server' };
}

/** No secret the emulator issued may appear in VS Code's logs and files, or in what the run printed. */
function redactionHolds(session: VsCodeBrowserSession, emulator: Emulator): boolean {
  const secrets = emulator.issuedSecrets();
  // Also code-server's own XDG dirs (next to the user data) and the opened folder: a persisted terminal
  // environment, a terminal's output or a written .env would land there.
  const root = path.dirname(session.codeServer.userDataDir);
  const dirs = [path.basename(root).startsWith('modbox-code-server-') ? root : session.codeServer.userDataDir, session.folder];
  const scan = scanForSecrets(dirs, { 'the run output': transcript.join('\n') }, secrets);
  console.log(
    `integration: redaction check: ${secrets.length} issued secrets (${secrets.filter((x) => x.startsWith('mbx_')).length} mbx_ API tokens, every terminal token included) looked for in ${scan.files} files ` +
      `(${(scan.bytes / 1024).toFixed(0)} KiB, ${scan.modboxLogs.length} Modbox log file(s)) and the run output: ${scan.leaks.length} found`,
  );
  for (const leak of scan.leaks) {
    console.error(`integration: SECRET LEAK: ${leak.secretStart} in ${leak.where}`);
  }
  if (scan.modboxLogs.length === 0) {
    console.error('integration: redaction check found no Modbox log file to read');
    return false;
  }
  return scan.leaks.length === 0;
}

function readResult(file: string): Result | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Result;
  } catch {
    return undefined;
  }
}

async function main(scope: RunnerScope): Promise<number> {
  const started = Date.now();
  const testsEntry = path.join(repoRoot, 'out', 'test', 'integration', 'index.js');
  for (const f of [testsEntry, path.join(repoRoot, 'dist', 'extension.js')]) {
    if (!fs.existsSync(f)) {
      console.error(`integration: ${path.relative(repoRoot, f)} is missing; build first: npx tsc -p . && node esbuild.mjs`);
      return 1;
    }
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-integration-'));
  let emulator: Emulator | undefined;
  let session: VsCodeBrowserSession | undefined;
  // The code-server process group is also killed on exit.
  scope.close(() => session?.close());
  scope.close(() => emulator?.close());
  scope.then(() => fs.rmSync(tmp, { recursive: true, force: true }));

  try {
    const executable = process.env.VSCODE_EXECUTABLE_PATH;
    const vscodeVersion = executable ? undefined : requestedVsCodeVersion();
    if (vscodeVersion) {
      // Installs happen once per machine and are not part of the suite's time budget.
      ensureDebianPackages(['chromium', ...CODE_SERVER_DEBIAN_PACKAGES]);
      await ensureCodeServer(vscodeVersion);
      console.log(`integration: in VS Code ${vscodeVersion} (code-server ${RELEASES[vscodeVersion].codeServer})`);
    }
    emulator = await startEmulator({ host: EMULATOR_HOST, port: 0 });
    console.log(`integration: Modbox emulator at ${emulator.url}`);
    const resultsFile = path.join(tmp, 'results.json');
    const env: Record<string, string> = { MODBOX_EMULATOR_URL: emulator.url, MODBOX_INTEGRATION_RESULTS: resultsFile, MODBOX_TEST_HOOKS: '1', MODBOX_TEST_GREP: process.env.MODBOX_TEST_GREP ?? '' };
    if (vscodeVersion) {
      env.MODBOX_EXPECTED_VSCODE_VERSION = vscodeVersion;
    }
    const settings = { 'modbox.apiUrl': emulator.url };
    const run = executable
      ? runInDesktop(executable, testsEntry, env, settings, tmp)
      : runInCodeServer(requestedVsCodeVersion(), testsEntry, env, settings, (s) => (session = s));
    const timeout = scope.deadline(TIMEOUT_MS);
    const outcome = await Promise.race([run, timeout]);
    if (outcome === 'timeout') {
      console.error(`integration: TIMED OUT after ${TIMEOUT_MS / 1000} s; stopping VS Code, the browser and the emulator`);
      console.log('integration: 0 passed, 1 failed');
      return 1;
    }
    const result = readResult(resultsFile);
    if (!result) {
      console.error(`integration: the suite wrote no result (VS Code exit code ${outcome.exitCode}); did run() start?`);
      console.log('integration: 0 passed, 1 failed');
      return 1;
    }
    const where = outcome.kind === 'code-server' ? `VS Code ${result.vscodeVersion} (code-server)` : `VS Code ${result.vscodeVersion} (desktop)`;
    console.log(`integration: ran in ${where}, appHost ${result.appHost}, uiKind ${result.uiKind}, remoteName ${result.remoteName ?? 'none'}`);
    const saved = saveReliabilityFigures(result.figures, result.vscodeVersion);
    if (saved.length > 0) {
      console.log(`integration: reliability figures (${saved.join(', ')}) saved to ${RELIABILITY_FILE}`);
    }
    for (const f of result.failures) {
      console.log(`integration: FAILED ${f.title}: ${f.error.split('\n')[0]}`);
    }
    console.log(`integration: finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    let failed = result.failed || (outcome.exitCode !== 0 ? 1 : 0);
    // A run in another VS Code than the one asked for tested the wrong thing.
    if (vscodeVersion && result.vscodeVersion !== vscodeVersion) {
      console.log(`integration: FAILED the suite ran in VS Code ${vscodeVersion}: it ran in ${result.vscodeVersion}`);
      failed++;
    }
    if (session && !redactionHolds(session, emulator)) {
      failed++;
    }
    console.log(`integration: ${result.passed} passed, ${failed} failed`);
    return failed > 0 || outcome.exitCode !== 0 ? 1 : 0;
  } catch (e) {
    console.error(`integration: ${e instanceof Error ? e.message : String(e)}`);
    console.log('integration: 0 passed, 1 failed');
    return 1;
  }
}

runRunner('integration', main);
