// One way to run a helper command from the harness: bounded in time, and
// failing with the command line and, when output was captured, its tail.
import { spawn } from 'child_process';
import * as path from 'path';

export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Receives the output instead of the terminal; its last 4,000 characters go into the error. */
  onOutput?: (text: string) => void;
}

export function runCommand(cmd: string, args: string[], opts: RunCommandOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const capture = opts.onOutput;
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'] });
    let tail = '';
    if (capture) {
      const keep = (chunk: Buffer): void => {
        const text = chunk.toString('utf8');
        tail = (tail + text).slice(-4000);
        capture(text);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
    }
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
        const what = `\`${path.basename(cmd)} ${args.join(' ')}\` failed (${signal ?? `exit ${code}`})`;
        reject(new Error(tail ? `${what}:\n${tail}` : what));
      }
    });
  });
}
