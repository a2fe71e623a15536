// The command implementations ship as dist/commands.js, loaded on the first
// command run, so that activation stays cheap: the main bundle must not
// carry them, and nothing loads them before a command runs.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandsLoader } from '../../../src/commands/loader';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** Sources only the command implementations need. */
const DEFERRED = [
  'src/commands/sandboxes.ts', 'src/commands/dotenv.ts', 'src/dotenv/dotenvEdit.ts', 'src/dotenv/gitCheck.ts', 'src/dotenv/gitignore.ts',
  'src/commands/deepLink.ts', 'src/commands/switchAccount.ts', 'src/commands/terminal.ts', 'src/commands/apiTokens.ts', 'src/commands/workspaces.ts',
];
/** Sources only the interactive sign-in needs (dist/signIn.js). */
const SIGN_IN = ['src/auth/signIn/loopbackRelay.ts', 'src/auth/signIn/pendingSignIn.ts', 'src/auth/signIn/callback.ts'];
/** esbuild lists a module whose code was all shaken out with a few bytes of glue. */
const GLUE_BYTES = 100;

interface Meta {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

describe('command implementations and sign-in flows in their own bundles', function () {
  this.timeout(60_000);
  let tmp: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-commands-'));
  });

  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the release main bundle leaves them out and dist/commands.js and dist/signIn.js have them', () => {
    const out = path.join(tmp, 'release');
    const metaFile = path.join(tmp, 'meta.json');
    const r = spawnSync(process.execPath, ['esbuild.mjs', '--production', `--outdir=${out}`, `--metafile=${metaFile}`], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `esbuild.mjs failed: ${r.stderr}${r.stdout}`);
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Meta;
    const inputsOf = (file: string): string[] => {
      const key = Object.keys(meta.outputs).find((k) => k.endsWith(`/${file}`) || k === file);
      assert.ok(key, `no ${file} in ${Object.keys(meta.outputs).join(', ')}`);
      return Object.entries(meta.outputs[key].inputs).filter(([, v]) => v.bytesInOutput > GLUE_BYTES).map(([k]) => k);
    };
    const main = inputsOf('extension.js');
    const commands = inputsOf('commands.js');
    const signIn = inputsOf('signIn.js');
    assert.deepEqual([...DEFERRED, ...SIGN_IN].filter((f) => main.includes(f)), []);
    assert.deepEqual(DEFERRED.filter((f) => !commands.includes(f)), []);
    assert.deepEqual(SIGN_IN.filter((f) => !signIn.includes(f)), []);
  });

  it('loads dist/commands.js on the first call only, and once', () => {
    const dir = path.join(tmp, 'ext');
    fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
    const counter = `__modboxCommandsLoads${process.pid}`;
    fs.writeFileSync(path.join(dir, 'dist', 'commands.js'), `globalThis.${counter} = (globalThis.${counter} ?? 0) + 1; exports.marker = 'loaded';`);
    const g = globalThis as Record<string, unknown>;
    const load = commandsLoader(dir);
    assert.equal(g[counter], undefined, 'loaded before any command ran');
    const first = load() as unknown as { marker: string };
    const second = load() as unknown as { marker: string };
    assert.equal(first.marker, 'loaded');
    assert.equal(second, first);
    assert.equal(g[counter], 1);
    delete g[counter];
  });
});
