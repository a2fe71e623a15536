// Runs compiled mocha test files and reports counts, for both the plain-Node
// unit run and the run inside VS Code's extension host.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { redactValue } from '../../src/log/redact';

export interface SuiteSummary {
  suite: string;
  passed: number;
  /** Failed tests and hooks, plus skipped tests, unhandled rejections and an empty run. */
  failed: number;
  /** Skipped tests; the project allows none, so each also counts in failed. */
  pending: number;
  unhandledRejections: string[];
  failures: { title: string; error: string }[];
  durationMs: number;
}

/** Marker of the machine-readable summary line. */
export const SUMMARY_PREFIX = 'MODBOX_TEST_SUMMARY ';

/** Every *.test.js under dir, sorted so runs are reproducible. */
export function findTestFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (e.isFile() && e.name.endsWith('.test.js')) {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out.sort();
}

export interface RunOptions {
  suite: string;
  files: string[];
  timeoutMs: number;
  /** Reporter name; 'spec' by default. */
  reporter?: string;
  color?: boolean;
  print?: (line: string) => void;
  /** Only tests whose full title matches (MODBOX_TEST_GREP), for working on one area. */
  grep?: string;
}

/**
 * Runs the files in one mocha instance. Unhandled promise rejections during
 * the run are collected (redacted) and make the summary a failure.
 */
export async function runMochaFiles(opts: RunOptions): Promise<SuiteSummary> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const started = Date.now();
  const unhandled: string[] = [];
  // VS Code's extension host can report one rejection more than once.
  const seen = new WeakSet<Promise<unknown>>();
  const onRejection = (reason: unknown, promise: Promise<unknown>): void => {
    if (!seen.has(promise)) {
      seen.add(promise);
      unhandled.push(redactValue(reason));
    }
  };
  process.on('unhandledRejection', onRejection);

  const mocha = new Mocha({ ui: 'bdd', timeout: opts.timeoutMs, reporter: opts.reporter ?? 'spec', color: opts.color ?? false, forbidOnly: true });
  if (opts.grep) {
    mocha.grep(opts.grep);
  }
  for (const f of opts.files) {
    mocha.addFile(f);
  }
  const failures: SuiteSummary['failures'] = [];
  let passed = 0;
  let pending = 0;
  try {
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => passed++);
      runner.on('pending', () => pending++);
      runner.on('fail', (test, err: unknown) => {
        failures.push({ title: test.fullTitle(), error: redactValue(err) });
      });
    });
    // Rejections are reported a tick or so after they happen.
    await new Promise((r) => setTimeout(r, 200));
  } catch (e) {
    failures.push({ title: `(${opts.suite} could not run)`, error: redactValue(e) });
  } finally {
    process.removeListener('unhandledRejection', onRejection);
  }

  const summary: SuiteSummary = {
    suite: opts.suite,
    passed,
    // A run that found nothing to test, skipped tests or leaked rejections is not a pass.
    failed: failures.length + pending + unhandled.length + (opts.files.length === 0 ? 1 : 0),
    pending,
    unhandledRejections: unhandled,
    failures,
    durationMs: Date.now() - started,
  };
  if (opts.files.length === 0) {
    print(`${opts.suite}: no test files found (counted as a failure)`);
  }
  if (pending > 0) {
    print(`${opts.suite}: ${pending} skipped test(s): the project allows none`);
  }
  for (const r of unhandled) {
    print(`${opts.suite}: unhandled promise rejection during the run: ${r}`);
  }
  print(`${SUMMARY_PREFIX}${JSON.stringify({ suite: summary.suite, passed, failed: summary.failed, pending, unhandledRejections: unhandled.length, durationMs: summary.durationMs })}`);
  print(`${opts.suite}: ${passed} passed, ${summary.failed} failed`);
  return summary;
}
