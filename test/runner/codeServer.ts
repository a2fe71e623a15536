// code-server 4.99.4 (VS Code 1.99.3): installed from npm into .cache/code-server
// on first use, started per run with fresh directories. See
// shared/real-vscode-testing.md for why it is installed this way.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort, waitForHttp } from './net';
import { cacheDir, repoRoot } from './paths';

export const CODE_SERVER_VERSION = '4.99.4';
export const VSCODE_VERSION = '1.99.3';

/** What code-server's install builds or fetches with (the browser is separate). */
export const CODE_SERVER_DEBIAN_PACKAGES = ['libkrb5-dev', 'ripgrep', 'python3', 'make', 'g++'];

const installDir = path.join(cacheDir, 'code-server');
const binPath = path.join(installDir, 'node_modules', '.bin', 'code-server');
const markerPath = path.join(installDir, 'installed-version');

// @vscode/ripgrep@1.15.11 (a code-server dependency) downloads rg from GitHub
// unless it finds this archive in its cache under the temp dir.
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/**
 * Installs the Debian packages with apt-get if missing (as root), or throws
 * with the command to run. Delegates to debian.mjs so that `npm test` can run
 * the same code before anything is compiled.
 */
export function ensureDebianPackages(packages: readonly string[]): void {
  const script = path.join(repoRoot, 'test', 'runner', 'debian.mjs');
  const r = spawnSync(process.execPath, [script, ...packages], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    throw new Error(`required Debian packages are missing: ${packages.join(' ')} (see the message above)`);
  }
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`\`${cmd} ${args.join(' ')}\` failed (${signal ?? `exit ${code}`})`));
      }
    });
  });
}

function installedVersion(): string | undefined {
  try {
    return fs.existsSync(binPath) ? fs.readFileSync(markerPath, 'utf8').trim() : undefined;
  } catch {
    return undefined;
  }
}

function prepareRipgrepCache(tmpDir: string): void {
  const archive = path.join(tmpDir, RIPGREP_CACHE, RIPGREP_ASSET);
  if (fs.existsSync(archive)) {
    return;
  }
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) {
    throw new Error('ripgrep (rg) is not on PATH; install the Debian package ripgrep');
  }
  const stage = fs.mkdtempSync(path.join(tmpDir, 'rg-'));
  try {
    fs.copyFileSync(rg, path.join(stage, 'rg'));
    fs.chmodSync(path.join(stage, 'rg'), 0o755);
    fs.mkdirSync(path.dirname(archive), { recursive: true });
    const r = spawnSync('tar', ['-czf', archive, '-C', stage, 'rg'], { stdio: 'inherit' });
    if (r.status !== 0) {
      throw new Error('could not create the ripgrep archive');
    }
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

// npm passes its own package's context to scripts through the environment; the
// nested install in the cache folder must not inherit it.
function installEnv(tmpDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|INIT_CWD$)/.test(k)) {
      env[k] = v;
    }
  }
  return { ...env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false', TMPDIR: tmpDir };
}

/**
 * Installs code-server into .cache/code-server on first use and returns the
 * path of its launcher. Fast (a file read) once installed.
 */
export async function ensureCodeServer(): Promise<string> {
  if (installedVersion() === CODE_SERVER_VERSION) {
    return binPath;
  }
  ensureDebianPackages(CODE_SERVER_DEBIAN_PACKAGES);
  const started = Date.now();
  console.log(`code-server: installing ${CODE_SERVER_VERSION} into ${path.relative(repoRoot, installDir)}/ (once, about a minute)`);
  fs.rmSync(markerPath, { force: true });
  fs.rmSync(path.join(installDir, 'node_modules'), { recursive: true, force: true });
  fs.rmSync(path.join(installDir, 'package-lock.json'), { force: true });
  const tmpDir = path.join(installDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  // npm 11 runs dependency install scripts only for packages listed in
  // allowScripts; code-server's post-install builds VS Code's native modules.
  const manifest = {
    name: 'modbox-code-server-cache',
    private: true,
    description: 'code-server for the Modbox test harness (generated by test/runner/codeServer.ts)',
    allowScripts: { 'code-server': true, argon2: true },
  };
  fs.writeFileSync(path.join(installDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  prepareRipgrepCache(tmpDir);
  await run('npm', ['install', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: installDir,
    env: installEnv(tmpDir),
    timeoutMs: 20 * 60 * 1000,
  });
  const version = spawnSync(binPath, ['--version'], { encoding: 'utf8', timeout: 60_000, env: isolatedEnv(tmpDir) });
  if (!`${version.stdout}`.includes(`with Code ${VSCODE_VERSION}`)) {
    throw new Error(`code-server install looks broken: \`code-server --version\` printed ${JSON.stringify(`${version.stdout}${version.stderr}`.trim())}`);
  }
  fs.writeFileSync(markerPath, `${CODE_SERVER_VERSION}\n`);
  console.log(`code-server: installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return binPath;
}

// code-server writes its config and logs under XDG dirs: keep them in the run's temp dir.
function isolatedEnv(root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Variables of an enclosing VS Code (terminal, remote CLI) would confuse the server.
    if (!k.startsWith('VSCODE_') && !k.startsWith('npm_')) {
      env[k] = v;
    }
  }
  return {
    ...env,
    XDG_CONFIG_HOME: path.join(root, 'xdg-config'),
    XDG_DATA_HOME: path.join(root, 'xdg-data'),
    // No extension gallery: code-server would otherwise query open-vsx.org (tests stay on loopback).
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

/** Settings every run gets: quiet, no telemetry, no trust prompt, no welcome page. */
export const BASE_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'github.gitAuthentication': false,
};

export interface CodeServerOptions {
  /** Port on 127.0.0.1; a free one when omitted or 0. */
  port?: number;
  /** Defaults: fresh directories under the run's temp dir. */
  userDataDir?: string;
  extensionsDir?: string;
  /** Extra environment for the server and so for the extension host. */
  env?: Record<string, string>;
  /** User settings merged over BASE_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Receives code-server's own output lines; by default they are kept and shown only if it fails to start. */
  log?: (line: string) => void;
  /** Launcher path; ensureCodeServer() when omitted. */
  bin?: string;
}

export interface CodeServer {
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  /** Resolves when the server process exits. */
  exited: Promise<void>;
  /** Stops the server and everything it started (extension hosts), removes temp dirs. */
  stop(): Promise<void>;
}

function lineSplitter(onLine: (line: string) => void): (chunk: Buffer) => void {
  let rest = '';
  return (chunk) => {
    const lines = (rest + chunk.toString('utf8')).split(/\r?\n/);
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim()) {
        onLine(line);
      }
    }
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Starts code-server on 127.0.0.1 with fresh dirs and waits until it answers HTTP. */
export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const bin = opts.bin ?? (await ensureCodeServer());
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-code-server-'));
  const userDataDir = opts.userDataDir ?? path.join(root, 'user-data');
  const extensionsDir = opts.extensionsDir ?? path.join(root, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), `${JSON.stringify({ ...BASE_SETTINGS, ...opts.settings }, null, 2)}\n`);
  const configFile = path.join(root, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

  const recent: string[] = [];
  const onLine = (line: string): void => {
    if (opts.log) {
      opts.log(line);
    } else {
      recent.push(line);
      recent.splice(0, Math.max(0, recent.length - 40));
    }
  };

  // A port picked free can be taken before code-server binds it: retry a few times.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port || (await freePort('127.0.0.1'));
    const child = spawn(bin, [
      '--config', configFile,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
    ], { env: isolatedEnv(root, opts.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout?.on('data', lineSplitter(onLine));
    child.stderr?.on('data', lineSplitter(onLine));
    let exitReason: string | undefined;
    const exited = new Promise<void>((resolve) => {
      child.on('error', (e) => {
        exitReason = e.message;
        resolve();
      });
      child.on('exit', (code, signal) => {
        exitReason = `code-server exited (${signal ?? `exit ${code}`})`;
        resolve();
      });
    });
    // Last resort if this process dies without stop(): no orphaned servers.
    const onExit = (): void => killGroup(child, 'SIGKILL');
    process.on('exit', onExit);
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        killGroup(child, 'SIGTERM');
        const timer = new Promise<void>((r) => setTimeout(r, 5000).unref());
        await Promise.race([exited, timer]);
        killGroup(child, 'SIGKILL');
        process.removeListener('exit', onExit);
        fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
      })();
      return stopping;
    };
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(`${url}/healthz`, 60_000, () => exitReason);
      return { url, port, userDataDir, extensionsDir, exited, stop };
    } catch (e) {
      const addrInUse = recent.some((l) => l.includes('EADDRINUSE'));
      if (!addrInUse || opts.port || attempt >= 3) {
        await stop();
        const tail = recent.length ? `\n${recent.map((l) => `  [code-server] ${l}`).join('\n')}` : '';
        throw new Error(`code-server did not start: ${e instanceof Error ? e.message : String(e)}${tail}`);
      }
      killGroup(child, 'SIGKILL');
      process.removeListener('exit', onExit);
      recent.length = 0;
    }
  }
}
