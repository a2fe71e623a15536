// The integration tests' hooks hand out the account, the sign-in flow and
// SecretStorage. Another extension can read any extension's exports, so the
// release bundle (what users install) must not contain them at all, whatever
// the environment says; the development bundle (what the tests load) has them.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

// Names and strings only the hooks code carries.
const HOOK_MARKERS = ['MODBOX_TEST_HOOKS', 'setUi', 'extensionMode', 'ExtensionMode'];

function build(args: string[], outdir: string): void {
  const r = spawnSync(process.execPath, ['esbuild.mjs', ...args, `--outdir=${outdir}`], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `esbuild.mjs ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
}

/** Anything: every property, call and construction gives another such value (not a thenable). */
function anything(): unknown {
  const target = function () { /* callable */ };
  const proxy: unknown = new Proxy(target, {
    get: (_t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : proxy),
    apply: () => proxy,
    construct: () => proxy as object,
    set: () => true,
  });
  return proxy;
}

/** A `vscode` module that accepts everything activate() does, with the real values of the enums the hooks check. */
function fakeVscode(): Record<string, unknown> {
  const types = fs.readFileSync(path.join(repoRoot, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const api: Record<string, unknown> = {};
  for (const [, name] of types.matchAll(/^\texport (?:namespace|class|enum) (\w+)/gm)) {
    api[name] = anything();
  }
  // Settings read as their defaults (the API URL must parse).
  const workspace = anything() as Record<string | symbol, unknown>;
  api.workspace = new Proxy({ getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback }) }, {
    get: (t, key) => (key === 'getConfiguration' ? t.getConfiguration : workspace[key]),
  });
  return { ...api, ExtensionMode: { Production: 1, Development: 2, Test: 3 }, UIKind: { Desktop: 1, Web: 2 } };
}

type Activate = (context: unknown) => unknown;

function loadActivate(bundle: string): Activate {
  const mod = new Module(bundle);
  mod.filename = bundle;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(bundle));
  const vscode = fakeVscode();
  const realRequire = mod.require.bind(mod);
  mod.require = ((id: string) => (id === 'vscode' ? vscode : realRequire(id))) as NodeJS.Require;
  (mod as unknown as { _compile(code: string, filename: string): void })._compile(fs.readFileSync(bundle, 'utf8'), bundle);
  return (mod.exports as { activate: Activate }).activate;
}

function context(extensionMode: number, extensionPath: string): unknown {
  const base = anything() as Record<string | symbol, unknown>;
  const own: Record<string, unknown> = { extensionMode, extensionPath, subscriptions: [] };
  return new Proxy(own, { get: (t, key) => (typeof key === 'string' && key in t ? t[key] : base[key]) });
}

describe('test hooks in the bundles', function () {
  this.timeout(60_000);
  let tmp: string;
  const saved = process.env.MODBOX_TEST_HOOKS;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-bundles-'));
    build(['--production'], path.join(tmp, 'release'));
    build([], path.join(tmp, 'dev'));
  });

  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(() => {
    if (saved === undefined) {
      delete process.env.MODBOX_TEST_HOOKS;
    } else {
      process.env.MODBOX_TEST_HOOKS = saved;
    }
  });

  it('the release bundle contains none of the hooks code', () => {
    for (const file of fs.readdirSync(path.join(tmp, 'release'))) {
      const text = fs.readFileSync(path.join(tmp, 'release', file), 'utf8');
      for (const marker of HOOK_MARKERS) {
        assert.ok(!text.includes(marker), `release ${file} contains ${marker}`);
      }
    }
  });

  it('the development bundle has them (so the check above can fail)', () => {
    const text = fs.readFileSync(path.join(tmp, 'dev', 'extension.js'), 'utf8');
    for (const marker of HOOK_MARKERS) {
      assert.ok(text.includes(marker), `dev extension.js lacks ${marker}`);
    }
  });

  it('the release bundle returns no hooks, even in test mode with MODBOX_TEST_HOOKS=1', () => {
    process.env.MODBOX_TEST_HOOKS = '1';
    const activate = loadActivate(path.join(tmp, 'release', 'extension.js'));
    assert.equal(activate(context(3, tmp)), undefined);
  });

  it('the development bundle returns hooks in test mode, or when MODBOX_TEST_HOOKS=1', () => {
    delete process.env.MODBOX_TEST_HOOKS;
    const activate = loadActivate(path.join(tmp, 'dev', 'extension.js'));
    const inTest = activate(context(3, tmp)) as Record<string, unknown> | undefined;
    assert.ok(inTest && typeof inTest.setUi === 'function', 'no hooks in ExtensionMode.Test');
    assert.equal(activate(context(1, tmp)), undefined, 'hooks in production mode without MODBOX_TEST_HOOKS');
    assert.equal(activate(context(2, tmp)), undefined, 'hooks in development mode without MODBOX_TEST_HOOKS');
    process.env.MODBOX_TEST_HOOKS = '1';
    const installed = activate(context(1, tmp)) as Record<string, unknown> | undefined;
    assert.ok(installed && typeof installed.setUi === 'function', 'no hooks with MODBOX_TEST_HOOKS=1');
  });
});
