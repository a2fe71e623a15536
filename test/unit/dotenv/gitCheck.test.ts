import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GIT_TIMEOUT_MS, isIgnored, runProgram, type RunProgram } from '../../../src/dotenv/gitCheck';

function deps(run: RunProgram, gitignore: string | undefined, folderPath: string | undefined) {
  const calls: Array<{ file: string; args: readonly string[]; cwd: string; timeoutMs: number }> = [];
  return {
    calls,
    deps: {
      folderPath,
      run: async (file: string, args: readonly string[], o: { cwd: string; timeoutMs: number }) => {
        calls.push({ file, args, ...o });
        return run(file, args, o);
      },
      readGitignore: async () => gitignore,
    },
  };
}

describe('is .env ignored by git', () => {
  it('asks git check-ignore in the folder, with a timeout and fsmonitor off', async () => {
    const d = deps(async () => 0, undefined, '/project');
    assert.deepEqual(await isIgnored('.env', d.deps), { ignored: true, via: 'git' });
    assert.deepEqual(d.calls, [{ file: 'git', args: ['-c', 'core.fsmonitor=false', 'check-ignore', '-q', '--', '.env'], cwd: '/project', timeoutMs: GIT_TIMEOUT_MS }]);
  });

  it('takes git exit 1 as not ignored, even when .gitignore seems to say otherwise (a tracked file)', async () => {
    assert.deepEqual(await isIgnored('.env', deps(async () => 1, '.env\n', '/project').deps), { ignored: false, via: 'git' });
  });

  it('reads .gitignore when the folder is not a repository (128), git is missing, or hangs', async () => {
    const notRepo = deps(async () => 128, '.env\n', '/project');
    assert.deepEqual(await isIgnored('.env', notRepo.deps), { ignored: true, via: 'gitignore' });
    const missing = deps(async () => { throw Object.assign(new Error('spawn git ENOENT'), { code: 'ENOENT' }); }, '# nothing\n', '/project');
    assert.deepEqual(await isIgnored('.env', missing.deps), { ignored: false, via: 'gitignore' });
    const noFile = deps(async () => 128, undefined, '/project');
    assert.deepEqual(await isIgnored('.env', noFile.deps), { ignored: false, via: 'gitignore' });
  });

  it('does not run git without a local folder path (remote or untrusted)', async () => {
    const d = deps(async () => 0, '.env', undefined);
    assert.deepEqual(await isIgnored('.env', d.deps), { ignored: true, via: 'gitignore' });
    assert.equal(d.calls.length, 0);
  });

  describe('runProgram', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'modbox-gitcheck-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('resolves exit codes and rejects when the program is missing or times out', async function () {
      // Starts Node three times: slow on a busy machine.
      this.timeout(20_000);
      assert.equal(await runProgram(process.execPath, ['-e', 'process.exit(0)'], { cwd: dir, timeoutMs: 10_000 }), 0);
      assert.equal(await runProgram(process.execPath, ['-e', 'process.exit(3)'], { cwd: dir, timeoutMs: 10_000 }), 3);
      await assert.rejects(runProgram(join(dir, 'no-such-program'), [], { cwd: dir, timeoutMs: 10_000 }));
      await assert.rejects(runProgram(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { cwd: dir, timeoutMs: 200 }));
    });

    it('real git: not a repository falls back; in a repository .gitignore decides', async function () {
      this.timeout(20_000);
      const real = { folderPath: dir, run: runProgram, readGitignore: async () => undefined };
      assert.equal((await isIgnored('.env', real)).via, 'gitignore');
      assert.equal(await runProgram('git', ['init', '-q'], { cwd: dir, timeoutMs: 10_000 }), 0);
      assert.deepEqual(await isIgnored('.env', real), { ignored: false, via: 'git' });
      writeFileSync(join(dir, '.gitignore'), '.env\n');
      assert.deepEqual(await isIgnored('.env', real), { ignored: true, via: 'git' });
    });
  });
});
