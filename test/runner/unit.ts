// Unit and emulator tests in plain Node (no VS Code), for `npm test`.
import * as path from 'path';
import { findTestFiles, runMochaFiles } from './mochaRun';
import { repoRoot } from './paths';

async function main(): Promise<number> {
  const files = [
    ...findTestFiles(path.join(repoRoot, 'out', 'test', 'unit')),
    ...findTestFiles(path.join(repoRoot, 'out', 'test', 'emulator')),
  ];
  const summary = await runMochaFiles({ suite: 'unit', files, timeoutMs: 10_000, color: process.stdout.isTTY === true });
  return summary.failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    // Mocha leaves nothing to wait for in a clean run; exit anyway so a leaked
    // handle in one test cannot hang the whole `npm test`.
    process.exit(code);
  },
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
