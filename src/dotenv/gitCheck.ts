import { execFile } from 'node:child_process';
import { ignoredByRules } from './gitignore';

/** Runs a program; resolves its exit code, rejects when it could not run or took too long. */
export type RunProgram = (file: string, args: readonly string[], options: { cwd: string; timeoutMs: number }) => Promise<number>;

export const GIT_TIMEOUT_MS = 5000;

export interface IgnoreCheck {
  readonly ignored: boolean;
  /** Who answered: git itself, or our reading of the folder's `.gitignore`. */
  readonly via: 'git' | 'gitignore';
}

export interface IgnoreCheckDeps {
  /** Git is asked only with a local folder path in a trusted workspace; undefined skips it. */
  folderPath: string | undefined;
  run: RunProgram;
  /** The folder's `.gitignore`, or undefined when there is none. */
  readGitignore: () => Promise<string | undefined>;
}

/**
 * Whether git ignores `name` in the folder: `git check-ignore` when git is
 * there and the folder is in a repository (exit 0 ignored, 1 not; a tracked
 * file counts as not ignored, which is what matters before writing a
 * secret). Otherwise (no git, not a repository, a timeout) the folder's
 * `.gitignore` is read.
 */
export async function isIgnored(name: string, deps: IgnoreCheckDeps): Promise<IgnoreCheck> {
  if (deps.folderPath !== undefined) {
    try {
      // core.fsmonitor would let a repository's own config run a program: never from here.
      const code = await deps.run('git', ['-c', 'core.fsmonitor=false', 'check-ignore', '-q', '--', name], { cwd: deps.folderPath, timeoutMs: GIT_TIMEOUT_MS });
      if (code === 0 || code === 1) {
        return { ignored: code === 0, via: 'git' };
      }
    } catch {
      // No git, or it hung: fall back to the rules.
    }
  }
  const text = await deps.readGitignore();
  return { ignored: text !== undefined && ignoredByRules(text, name), via: 'gitignore' };
}

/** `RunProgram` with Node's execFile: no shell, output ignored, killed after the timeout. */
export const runProgram: RunProgram = (file, args, options) => new Promise((resolve, reject) => {
  execFile(file, [...args], { cwd: options.cwd, timeout: options.timeoutMs, windowsHide: true }, (error) => {
    if (!error) {
      resolve(0);
      return;
    }
    const e = error as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
    if (typeof e.code === 'number' && !e.killed) {
      resolve(e.code);
    } else {
      reject(error);
    }
  });
});
