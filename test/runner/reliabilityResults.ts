// Keeps the reliability suites' figures (fault matrix, endurance, hostile
// input) in bench/results/reliability.json, which the README cites. A suite's
// entry is replaced only by a run in which all of its tests ran, so a
// MODBOX_TEST_GREP run never overwrites full figures with partial ones.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { SuiteFigures } from '../integration/figures';
import { repoRoot } from './paths';

export const RELIABILITY_FILE = path.join('bench', 'results', 'reliability.json');

interface ReliabilityFile {
  schema: 1;
  suites: Record<string, SuiteFigures & { date: string; gitSha: string; vscodeVersion: string }>;
}

function gitSha(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** Merges the complete suites' figures into the file; returns the names saved. */
export function saveReliabilityFigures(figures: Record<string, SuiteFigures> | undefined, vscodeVersion: string): string[] {
  const complete = Object.entries(figures ?? {}).filter(([, f]) => f.complete);
  if (complete.length === 0) {
    return [];
  }
  const file = path.join(repoRoot, RELIABILITY_FILE);
  let current: ReliabilityFile = { schema: 1, suites: {} };
  try {
    const read = JSON.parse(fs.readFileSync(file, 'utf8')) as ReliabilityFile;
    if (read.schema === 1 && read.suites && typeof read.suites === 'object') current = read;
  } catch {
    // No file yet, or an unreadable one: start afresh.
  }
  const stamp = { date: new Date().toISOString().slice(0, 10), gitSha: gitSha(), vscodeVersion };
  for (const [name, f] of complete) {
    current.suites[name] = { ...stamp, ...f };
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`);
  return complete.map(([name]) => name);
}
