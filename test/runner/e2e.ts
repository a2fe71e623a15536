// `npm run test:e2e`: the packaged extension (.vsix), installed into code-server
// the way a user installs it, driven through a user's journey in headless
// Chromium against the Modbox emulator on 127.0.0.2. VS Code 1.99.3 by default,
// MODBOX_VSCODE_VERSION=1.139.1 for today's release. Screenshots and the log go
// to test-results/e2e-<VS Code version>/; the last line is "e2e: N passed, N failed".
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startEmulator } from '../emulator/server';
import type { Emulator } from '../emulator/server';
import { hostileText } from '../e2e/hostileText';
import { journey } from '../e2e/journey';
import { walkthrough } from '../e2e/walkthrough';
import { CODE_SERVER_DEBIAN_PACKAGES, codeServerAuth, ensureCodeServer, ensureDebianPackages, RELEASES, requestedVsCodeVersion } from './codeServer';
import { repoRoot } from './paths';
import { runRunner, type RunnerScope } from '../support/runnerLifecycle';
import { runCommand } from './spawn';
import { launchVsCodeInBrowser } from './session';
import type { VsCodeBrowserSession } from './session';
import { redact } from '../../src/log/redact';

// A guard against hangs (a run takes 2-4 min), with room for 1.139's slower start on a busy machine.
const TIMEOUT_MS = Number(process.env.MODBOX_E2E_TIMEOUT_MS) || 10 * 60 * 1000;
const EMULATOR_HOST = '127.0.0.2';
const EXTENSION_ID = 'modbox.vscode-modbox';
const OWN_CONSENT_TEXT = "The extension 'Modbox' wants to sign in using Modbox";
const vscodeVersion = requestedVsCodeVersion();
// One folder per version, so that the run on one does not wipe the other's pictures.
const shotsDir = path.join(repoRoot, 'test-results', `e2e-${vscodeVersion}`);
const logFile = path.join(shotsDir, 'e2e.log');

function say(line: string): void {
  console.log(`e2e: ${line}`);
}

const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');

/** Bundles for release and packages the .vsix the way `npm run package` does. */
async function packageVsix(outDir: string): Promise<string> {
  const vsix = path.join(outDir, 'modbox.vsix');
  await runCommand(process.execPath, [path.join(repoRoot, 'esbuild.mjs'), '--production'], { cwd: repoRoot, timeoutMs: 120_000, onOutput: () => undefined });
  await runCommand(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], { cwd: repoRoot, timeoutMs: 120_000, onOutput: () => undefined });
  return vsix;
}

/** Packages test/e2e/consumer (compiled by tsc) as the extension "Modbox Consumer". */
async function packageConsumer(outDir: string): Promise<string> {
  const dir = path.join(outDir, 'consumer');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(repoRoot, 'out', 'test', 'e2e', 'consumer', 'extension.js'), path.join(dir, 'extension.js'));
  const manifest = {
    name: 'modbox-consumer',
    displayName: 'Modbox Consumer',
    description: 'Asks VS Code for a Modbox session, as any other extension would (e2e tests only).',
    version: '0.0.1',
    publisher: 'e2e',
    license: 'MIT',
    engines: { vscode: '^1.99.0' },
    main: './extension.js',
    contributes: { commands: [
      { command: 'modboxConsumer.useSession', title: 'Use Modbox Session', category: 'Modbox Consumer' },
      { command: 'modboxConsumer.useSessionAskAgain', title: 'Ask Again for a Modbox Session', category: 'Modbox Consumer' },
    ] },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(dir, 'README.md'), '# Modbox Consumer\n\nA test extension that uses a Modbox session.\n');
  const vsix = path.join(outDir, 'modbox-consumer.vsix');
  await runCommand(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix], { cwd: dir, timeoutMs: 120_000, onOutput: () => undefined });
  return vsix;
}

/** Fails the journey if VS Code ever asks the user to let Modbox use its own sign-in. */
function watchOwnConsentDialog(session: VsCodeBrowserSession): { seen(): boolean; stop(): void } {
  let seen = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const dialog = session.page.locator('.monaco-dialog-box').filter({ hasText: OWN_CONSENT_TEXT });
  const tick = async (): Promise<void> => {
    try {
      if (!stopped && !session.page.isClosed() && (await dialog.count()) > 0) {
        seen = true;
      }
    } catch {
      // the page is closing
    }
    if (!stopped) {
      timer = setTimeout(() => void tick(), 250);
    }
  };
  void tick();
  return {
    seen: () => seen,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

async function main(scope: RunnerScope): Promise<number> {
  const started = Date.now();
  fs.mkdirSync(shotsDir, { recursive: true });
  for (const f of fs.readdirSync(shotsDir)) {
    if (f.endsWith('.png') || f === 'e2e.log') {
      fs.rmSync(path.join(shotsDir, f), { force: true });
    }
  }
  const logStream = fs.createWriteStream(logFile);
  // Harness lines are already redacted; the log keeps them out of the console unless something fails.
  const harnessLog = (line: string): void => void logStream.write(`${new Date().toISOString()} ${line}\n`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-e2e-'));
  let emulator: Emulator | undefined;
  let session: VsCodeBrowserSession | undefined;
  let passed = 0;
  let failed = 0;
  const finish = (): number => {
    say(`log: ${path.relative(repoRoot, logFile)}`);
    say(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    say(`${passed} passed, ${failed} failed`);
    return failed > 0 ? 1 : 0;
  };
  scope.close(() => session?.close());
  scope.close(() => emulator?.close());
  scope.then(() => fs.rmSync(tmp, { recursive: true, force: true }));
  scope.then(() => new Promise<void>((r) => logStream.end(r)));
  let deadline: Promise<'timeout'> = new Promise(() => undefined);

  try {
    // Installs happen once per machine; they are not part of the journey's time budget.
    ensureDebianPackages(['chromium', ...CODE_SERVER_DEBIAN_PACKAGES]);
    await ensureCodeServer(vscodeVersion);
    say(`in VS Code ${vscodeVersion} (code-server ${RELEASES[vscodeVersion].codeServer})`);
    // The budget starts after the one-time install (4.139.1 builds native modules for minutes).
    deadline = scope.deadline(TIMEOUT_MS);

    let t = Date.now();
    const vsix = await packageVsix(tmp);
    say(`packaged ${path.basename(vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(1)} KB) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const consumerVsix = await packageConsumer(tmp);

    emulator = await startEmulator({ host: EMULATOR_HOST, port: 0, autoConsent: null, log: (line) => harnessLog(`[emulator] ${line}`) });
    say(`Modbox emulator at ${emulator.url}`);
    t = Date.now();
    // What users run: code-server's password login, typed into its login page.
    const auth = codeServerAuth('password');
    session = await launchVsCodeInBrowser({
      vscodeVersion,
      auth,
      settings: { 'modbox.apiUrl': emulator.url },
      extensionDevelopmentPath: null,
      installExtensions: [vsix, consumerVsix],
      viewport: { width: 1280, height: 800 },
      log: harnessLog,
    });
    const installed = fs.readdirSync(session.codeServer.extensionsDir).filter((d) => d.startsWith(`${EXTENSION_ID}-`));
    say(`installed ${installed.join(', ') || 'nothing'} from the .vsix; code-server at ${session.codeServer.url} with --auth ${auth} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    if (installed.length !== 1) {
      failed++;
      say(`FAILED the packaged extension is installed: found ${installed.length} copies of ${EXTENSION_ID}`);
      return finish();
    }
    passed++;
    say('ok   the packaged extension is installed');

    await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.codeServer.url });
    const consentWatch = watchOwnConsentDialog(session);
    const { steps } = journey({ session, emulator, shotsDir, log: (line) => say(`  ${line}`) });
    // The hostile-text checks need a signed-in user: they run just before the journey signs out.
    const signOutAt = steps.findIndex((s) => /signing out/i.test(s.name));
    steps.splice(signOutAt < 0 ? steps.length : signOutAt, 0, ...hostileText({ session, emulator, log: (line) => say(`  ${line}`) }).steps);
    // The walkthrough: opened once signed out, and again signed in (its sign-in step then done, the README's picture).
    const tour = walkthrough({ session, shotsDir, log: (line) => say(`  ${line}`) });
    steps.splice(steps.findIndex((s) => /signing out/i.test(s.name)), 0, tour.signedIn);
    steps.splice(steps.findIndex((s) => /signing in/i.test(s.name)), 0, tour.beforeSignIn);
    let blocked: string | undefined;
    for (const [i, step] of steps.entries()) {
      if (blocked) {
        failed++;
        say(`FAILED ${step.name}: not run, because "${blocked}" failed`);
        continue;
      }
      const stepStarted = Date.now();
      const outcome = await Promise.race([
        step.run().then(() => undefined, (e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
        deadline,
      ]);
      const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
      if (outcome === undefined) {
        passed++;
        say(`ok   ${step.name} (${seconds} s)`);
        continue;
      }
      failed++;
      blocked = step.name;
      const reason = outcome === 'timeout' ? `the run took longer than ${TIMEOUT_MS / 1000} s` : redact(outcome.message.split('\n').slice(0, 6).join('\n'));
      say(`FAILED ${step.name} (${seconds} s): ${reason}`);
      const shot = path.join(shotsDir, `failure-${i + 1}.png`);
      await session.page.screenshot({ path: shot, timeout: 10_000 }).then(
        () => say(`  screenshot of the failure: ${path.relative(repoRoot, shot)}`),
        (e: unknown) => say(`  no failure screenshot: ${redact(String(e))}`),
      );
      if (outcome === 'timeout') {
        break;
      }
    }
    consentWatch.stop();
    if (consentWatch.seen()) {
      failed++;
      say("FAILED no consent dialog for Modbox's own commands: VS Code asked \"The extension 'Modbox' wants to sign in using Modbox\"");
    } else {
      passed++;
      say("ok   no consent dialog for Modbox's own commands");
    }
    return finish();
  } catch (e) {
    failed++;
    say(`FAILED setting up: ${redact(e instanceof Error ? e.message : String(e))}`);
    return finish();
  }
}

runRunner('e2e', main);
