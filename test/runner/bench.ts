// `npm run bench`: measures the release build in real VS Code (code-server
// 4.99.4 = VS Code 1.99.3, headless Chromium) against the emulator, adds
// bundle sizes, prints a table and saves bench/results/<date>-<sha>.json and
// bench/results/latest.json. Every target is judged within this one run on
// unrounded numbers; the exit code is non-zero when a target is missed or
// something could not be measured (the results are saved either way).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatTable, targets } from '../bench/report';
import { round, type BenchResult, type FileSize, type SizesResult, type SuiteResult } from '../bench/results';
import { startEmulator, type Emulator } from '../emulator/server';
import { CODE_SERVER_DEBIAN_PACKAGES, ensureCodeServer, ensureDebianPackages } from './codeServer';
import { cacheDir, repoRoot } from './paths';
import { runRunner, type RunnerScope } from '../support/runnerLifecycle';
import { launchVsCodeInBrowser, type VsCodeBrowserSession } from './session';

const TIMEOUT_MS = 10 * 60 * 1000;
const EMULATOR_HOST = '127.0.0.2';
const BUILTIN_EXTENSIONS = path.join(cacheDir, 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'extensions');

function jsFiles(dir: string, label: string): FileSize[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => ({ file: `${label}/${f}`, bytes: fs.statSync(path.join(dir, f)).size }));
}

function vsce(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const bin = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
  const r = spawnSync(bin, args, { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

function measureSizes(tmp: string): SizesResult {
  const distDir = path.join(repoRoot, 'dist');
  const dist = fs.readdirSync(distDir)
    .sort()
    .map((f) => ({ file: `dist/${f}`, bytes: fs.statSync(path.join(distDir, f)).size }));
  const out = path.join(tmp, 'modbox.vsix');
  const packed = vsce(['package', '--no-dependencies', '--out', out]);
  let vsix: SizesResult['vsix'];
  if (packed.ok && fs.existsSync(out)) {
    const listed = vsce(['ls', '--no-dependencies']);
    const files = listed.ok ? listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort() : [];
    vsix = { bytes: fs.statSync(out).size, files };
  } else {
    vsix = { error: `vsce package failed: ${(packed.stderr || packed.stdout).trim().split('\n').slice(-3).join(' ')}` };
  }
  return {
    dist,
    vsix,
    githubAuthentication: jsFiles(path.join(BUILTIN_EXTENSIONS, 'github-authentication', 'dist'), 'dist'),
    microsoftAuthentication: jsFiles(path.join(BUILTIN_EXTENSIONS, 'microsoft-authentication', 'dist'), 'dist'),
  };
}

function git(args: string[]): string {
  const r = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/**
 * The release build has no test hooks, and the suite needs them: it runs a
 * copy of the extension whose bundles are the release build plus the hooks,
 * leaving dist/ (what is measured for size and packaged) untouched.
 */
function extensionWithHooks(tmp: string): string {
  const root = path.join(tmp, 'extension');
  const r = spawnSync(process.execPath, ['esbuild.mjs', '--production', '--test-hooks', `--outdir=${path.join(root, 'dist')}`], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    throw new Error(`could not build the extension with test hooks: ${(r.stderr || r.stdout || r.error?.message || '').trim()}`);
  }
  for (const f of ['package.json', 'package.nls.json', 'media']) {
    fs.cpSync(path.join(repoRoot, f), path.join(root, f), { recursive: true });
  }
  // onStartupFinished (terminal credentials) would activate the extension before the bench measures activation,
  // which needs it inactive: this copy activates when the bench activates it. activate() itself is unchanged.
  const manifest = path.join(root, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { activationEvents?: string[] };
  pkg.activationEvents = pkg.activationEvents?.filter((e) => e !== 'onStartupFinished');
  fs.writeFileSync(manifest, JSON.stringify(pkg, null, 2));
  return root;
}

async function runSuite(extensionPath: string, env: Record<string, string>, settings: Record<string, unknown>, logs: string[], hold: (s: VsCodeBrowserSession) => void): Promise<number> {
  const session = await launchVsCodeInBrowser({
    env,
    settings,
    extensionDevelopmentPath: extensionPath,
    extensionTestsPath: path.join(repoRoot, 'out', 'test', 'bench', 'index.js'),
    log: (line) => {
      logs.push(line);
      const bench = line.indexOf('bench: ');
      if (bench >= 0) {
        console.log(line.slice(bench));
      }
    },
  });
  hold(session);
  return Promise.race([session.exitCode, session.codeServer.exited.then(() => 1)]);
}

async function main(scope: RunnerScope): Promise<number> {
  const started = Date.now();
  for (const f of ['out/test/bench/index.js', 'dist/extension.js', 'dist/transport.js']) {
    if (!fs.existsSync(path.join(repoRoot, f))) {
      console.error(`bench: ${f} is missing; run \`npm run bench\` (it compiles and builds the release bundle)`);
      return 1;
    }
  }
  // The release build links no source map from the bundle; a development build does and must not be measured.
  if (fs.readFileSync(path.join(repoRoot, 'dist', 'extension.js'), 'utf8').includes('//# sourceMappingURL=')) {
    console.error('bench: dist/ holds a development build; run `npm run bench` (it builds the release bundle)');
    return 1;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-bench-'));
  let emulator: Emulator | undefined;
  let session: VsCodeBrowserSession | undefined;
  const logs: string[] = [];
  scope.close(() => session?.close());
  scope.close(() => emulator?.close());
  scope.then(() => fs.rmSync(tmp, { recursive: true, force: true }));

  try {
    ensureDebianPackages(['chromium', ...CODE_SERVER_DEBIAN_PACKAGES]);
    await ensureCodeServer();
    const loadBefore = os.loadavg()[0];
    console.log('bench: sizes (vsce package)...');
    const sizes = measureSizes(tmp);

    emulator = await startEmulator({ host: EMULATOR_HOST, port: 0, log: () => undefined });
    const resultsFile = path.join(tmp, 'suite.json');
    const env = {
      MODBOX_EMULATOR_URL: emulator.url,
      MODBOX_TEST_HOOKS: '1',
      MODBOX_BENCH_RESULTS: resultsFile,
      MODBOX_BENCH_GITHUB_EXT: path.join(BUILTIN_EXTENSIONS, 'github-authentication'),
    };
    const run = runSuite(extensionWithHooks(tmp), env, { 'modbox.apiUrl': emulator.url }, logs, (s) => (session = s));
    const timeout = scope.deadline(TIMEOUT_MS);
    const outcome = await Promise.race([run, timeout]);
    if (outcome === 'timeout' || !fs.existsSync(resultsFile)) {
      console.error(outcome === 'timeout' ? `bench: TIMED OUT after ${TIMEOUT_MS / 1000} s` : `bench: the suite wrote no result (exit code ${outcome})`);
      console.error(logs.slice(-60).join('\n'));
      return 1;
    }
    const suite = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResult;
    const sha = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
    const date = new Date().toISOString().slice(0, 10);
    const partial: Omit<BenchResult, 'targets'> = {
      schema: 1,
      date,
      gitSha: sha,
      srcDirty: git(['status', '--porcelain', '--', 'src', 'package.json', 'esbuild.mjs']) !== '',
      machine: { cpu: os.cpus()[0]?.model.trim() ?? 'unknown', cpus: os.cpus().length, platform: `${process.platform} ${os.release()}`, loadAverage: [round(loadBefore), round(os.loadavg()[0])] },
      ...suite,
      sizes,
    };
    const result: BenchResult = { ...partial, targets: targets(partial) };
    console.log('');
    console.log(formatTable(result));
    const dir = path.join(repoRoot, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const json = `${JSON.stringify(result, null, 2)}\n`;
    fs.writeFileSync(path.join(dir, `${date}-${sha}.json`), json);
    fs.writeFileSync(path.join(dir, 'latest.json'), json);
    console.log('');
    console.log(`bench: saved bench/results/${date}-${sha}.json and bench/results/latest.json (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    const missed = result.targets.filter((t) => !t.pass);
    for (const t of missed) {
      console.error(`bench: MISSED ${t.name}: ${t.actual} (target: ${t.target})`);
    }
    if (result.errors.length > 0) {
      console.error(`bench: ${result.errors.length} measurement error(s); see above`);
    }
    console.log(`bench: ${result.targets.length - missed.length}/${result.targets.length} targets met`);
    return missed.length > 0 || result.errors.length > 0 ? 1 : 0;
  } catch (e) {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    console.error(logs.slice(-60).join('\n'));
    return 1;
  }
}

runRunner('bench', main);
