// Activation cost: our bundle against the built-in GitHub authentication
// extension, side by side in this extension host. Each round loads each
// bundle fresh (out of require.cache) and calls its activate() with a fake
// context; registrations that must be unique per host are no-op stubs.
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { stubbedApi } from './apiOverlay';
import { resetStats, sleep, stats } from './emulator';
import { fakeContext } from './fakeContext';
import type { Gc } from './gc';
import { round, spread, type ActivationResult, type ExtensionActivation } from './results';

export const METHOD =
  'Per round, each extension\'s main bundle is deleted from require.cache, then timed: require(bundle) and activate(context) ' +
  '(awaited if it returns a promise; async work it starts is not timed). The context is a fake with in-memory globalState ' +
  'and secrets (signed out); its subscriptions are disposed after each round. Registrations that must be unique in a host ' +
  '(registerAuthenticationProvider, registerUriHandler, registerCommand, createTreeView, registerTreeDataProvider) return ' +
  'no-op disposables for both extensions, through a stubbed `vscode` module handed to the bundle. Order alternates per ' +
  'round; a full GC runs between measurements. Same extension host, same process, same context shape for both.';

interface Spec {
  id: string;
  root: string;
  bundle: string;
  packageJSON: unknown;
}

interface Round {
  requireMs: number;
  activateMs: number;
  /** Absolute paths. */
  loaded: string[];
  errors: string[];
}

type LoadFn = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: LoadFn };

function isUndici(file: string): boolean {
  return /[\\/]undici[\\/]/.test(file) || file.endsWith(`${path.sep}dist${path.sep}transport.js`);
}

async function measureOnce(spec: Spec, calls: Record<string, number>, missing: Set<string>, stubs: WeakMap<object, unknown>): Promise<Round> {
  const transport = path.join(spec.root, 'dist', 'transport.js');
  delete require.cache[spec.bundle];
  delete require.cache[transport];
  const before = new Set(Object.keys(require.cache));
  const ctx = fakeContext(spec.id, spec.root, spec.packageJSON, missing);
  const previous = moduleInternals._load;
  moduleInternals._load = function (this: unknown, request, parent, isMain) {
    const result = previous.call(this, request, parent, isMain);
    if (request === 'vscode' && parent?.filename?.startsWith(spec.root + path.sep) && result && typeof result === 'object') {
      let stubbed = stubs.get(result);
      if (!stubbed) {
        stubbed = stubbedApi(result as typeof vscode, calls);
        stubs.set(result, stubbed);
      }
      return stubbed;
    }
    return result;
  };
  const errors: string[] = [];
  let requireMs = NaN;
  let activateMs = NaN;
  try {
    const t0 = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(spec.bundle) as { activate(context: vscode.ExtensionContext): unknown };
    const t1 = performance.now();
    const returned = mod.activate(ctx.context);
    if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') {
      await returned;
    }
    const t2 = performance.now();
    requireMs = t1 - t0;
    activateMs = t2 - t1;
  } catch (e) {
    errors.push(e instanceof Error ? e.message : String(e));
  } finally {
    moduleInternals._load = previous;
  }
  const loaded = Object.keys(require.cache).filter((k) => !before.has(k));
  errors.push(...ctx.dispose());
  delete require.cache[spec.bundle];
  return { requireMs, activateMs, loaded, errors };
}

function summarize(spec: Spec, rounds: Round[], calls: Record<string, number>, missing: Set<string>): ExtensionActivation {
  const perRound: Record<string, number> = {};
  for (const [k, v] of Object.entries(calls)) {
    perRound[k] = v / Math.max(1, rounds.length);
  }
  return {
    id: spec.id,
    bundle: spec.bundle,
    requireMs: spread(rounds.map((r) => r.requireMs)),
    activateMs: spread(rounds.map((r) => r.activateMs)),
    totalMs: spread(rounds.map((r) => r.requireMs + r.activateMs)),
    modulesLoaded: (rounds[0]?.loaded ?? []).map((f) => path.relative(spec.root, f)),
    stubbedCalls: perRound,
    missingContextProperties: [...missing].sort(),
    errors: [...new Set(rounds.flatMap((r) => r.errors))],
  };
}

const totals = (rounds: readonly Round[]): number[] => rounds.map((r) => r.requireMs + r.activateMs);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function githubSpec(): Spec | undefined {
  const ext = vscode.extensions.getExtension('vscode.github-authentication');
  const root = ext?.extensionPath ?? process.env.MODBOX_BENCH_GITHUB_EXT;
  if (!root) {
    return undefined;
  }
  const packageJSON = ext?.packageJSON ?? JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return { id: 'vscode.github-authentication', root, bundle: path.join(root, 'dist', 'extension.js'), packageJSON };
}

export async function measureActivation(rounds: number, gc: Gc): Promise<ActivationResult> {
  const ours = vscode.extensions.getExtension('modbox.vscode-modbox');
  if (!ours) {
    throw new Error('modbox.vscode-modbox is not loaded in this host');
  }
  if (ours.isActive) {
    throw new Error('the extension is already active: activation must be measured first');
  }
  const modbox: Spec = { id: ours.id, root: ours.extensionPath, bundle: path.join(ours.extensionPath, 'dist', 'extension.js'), packageJSON: ours.packageJSON };
  const github = githubSpec();
  const specs = github ? [modbox, github] : [modbox];
  const state = specs.map(() => ({ rounds: [] as Round[], calls: {} as Record<string, number>, missing: new Set<string>(), stubs: new WeakMap<object, unknown>() }));

  await resetStats();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? specs.map((_, i) => i) : specs.map((_, i) => i).reverse();
    for (const i of order) {
      gc.collect();
      await sleep(20);
      const s = state[i];
      s.rounds.push(await measureOnce(specs[i], s.calls, s.missing, s.stubs));
    }
  }
  // Our real activation, through VS Code (the bundle is out of require.cache again).
  const beforeReal = new Set(Object.keys(require.cache));
  const t0 = performance.now();
  await ours.activate();
  const realActivationMs = performance.now() - t0;
  const undiciModules = [
    ...new Set([...state[0].rounds.flatMap((r) => r.loaded.filter(isUndici)), ...Object.keys(require.cache).filter((k) => !beforeReal.has(k) && isUndici(k))]),
  ];
  // Anything activation started in the background (reading the session) has time to reach the network.
  await sleep(1500);
  const networkRequests = (await stats()).requests.length;

  const modboxResult = summarize(modbox, state[0].rounds, state[0].calls, state[0].missing);
  const githubResult = github ? summarize(github, state[1].rounds, state[1].calls, state[1].missing) : undefined;
  return {
    method: METHOD,
    rounds,
    modbox: modboxResult,
    github: githubResult,
    // Unrounded, from unrounded medians: the target is judged on this number, so rounding must not meet it.
    ratio: github ? median(totals(state[0].rounds)) / median(totals(state[1].rounds)) : undefined,
    pairedRatio: github
      ? spread(state[0].rounds.map((r, i) => (r.requireMs + r.activateMs) / (state[1].rounds[i].requireMs + state[1].rounds[i].activateMs))).median
      : undefined,
    minRatio: githubResult ? round(modboxResult.totalMs.min / githubResult.totalMs.min, 3) : undefined,
    undiciLoaded: undiciModules.length > 0,
    undiciModules,
    networkRequests,
    realActivationMs: Math.round(realActivationMs * 100) / 100,
  };
}
