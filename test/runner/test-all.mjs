// `npm test`: every check in order, stopping at the first failure, then a
// summary table. The last line is the total as "N passed, N failed" (CI reads it).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const node = process.execPath;
const COUNTS_RE = /^(unit|integration|e2e): (\d+) passed, (\d+) failed\s*$/;
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\x1b\[[0-9;]*[A-Za-z]/g;
const MINUTE = 60 * 1000;
const VSCODE_VERSIONS = ['1.99.3', '1.139.1'];

// Removes compiled .js (and .js.map) files in out/ whose .ts source no longer exists.
function pruneStaleOutput() {
  const out = join(root, 'out');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
        continue;
      }
      const m = /^(.*)\.js(\.map)?$/.exec(e.name);
      if (m && !existsSync(join(root, relative(out, dir), `${m[1]}.ts`))) {
        rmSync(p, { force: true });
        if (!m[2]) {
          console.log(`test-all: removed stale ${relative(root, p)}`);
        }
      }
    }
  };
  if (existsSync(out)) {
    walk(out);
  }
}

const steps = [
  { name: 'ensure', cmd: node, args: ['test/runner/debian.mjs'], timeoutMs: 20 * MINUTE },
  { name: 'lint', cmd: node, args: ['node_modules/eslint/bin/eslint.js', '.'], timeoutMs: 10 * MINUTE },
  // A deleted test must not linger in out/ as a stale .js file that still runs.
  { name: 'typecheck', cmd: node, args: ['node_modules/typescript/bin/tsc', '-p', '.'], timeoutMs: 10 * MINUTE, after: pruneStaleOutput },
  { name: 'build', cmd: node, args: ['esbuild.mjs'], timeoutMs: 5 * MINUTE },
  { name: 'unit', cmd: node, args: ['out/test/runner/unit.js'], timeoutMs: 15 * MINUTE, counts: true },
  // Both tested VS Codes (test/runner/codeServer.ts RELEASES): the oldest that
  // engines.vscode allows, and today's release. A first run also installs each
  // code-server (4.139.1 builds native modules for several minutes).
  ...VSCODE_VERSIONS.map((v) => ({ name: `integration (${v})`, cmd: node, args: ['out/test/runner/integration.js'], env: { MODBOX_VSCODE_VERSION: v }, timeoutMs: 45 * MINUTE, counts: true })),
  ...VSCODE_VERSIONS.map((v) => ({ name: `e2e (${v})`, cmd: node, args: ['out/test/runner/e2e.js'], env: { MODBOX_VSCODE_VERSION: v }, timeoutMs: 45 * MINUTE, counts: true, optional: 'out/test/runner/e2e.js' })),
];

/** Runs one step with its output passed through; resolves with exit code and counts seen. */
function runStep(step) {
  return new Promise((resolveStep) => {
    const env = { ...process.env, ...step.env };
    if (process.stdout.isTTY) {
      env.FORCE_COLOR = '1';
    }
    const child = spawn(step.cmd, step.args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let counts;
    let rest = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (rest + chunk.toString('utf8')).split(/\r?\n/);
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const m = COUNTS_RE.exec(line.replace(ANSI_RE, ''));
        if (m) {
          counts = { passed: Number(m[2]), failed: Number(m[3]) };
        }
      }
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`test-all: ${step.name} did not finish within ${step.timeoutMs / MINUTE} min; stopping it`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
    }, step.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      console.error(`test-all: could not start ${step.name}: ${e.message}`);
      resolveStep({ code: 1, counts });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const m = COUNTS_RE.exec(rest.replace(ANSI_RE, ''));
      if (m) {
        counts = { passed: Number(m[2]), failed: Number(m[3]) };
      }
      resolveStep({ code: timedOut ? 1 : (code ?? (signal ? 1 : 0)), counts });
    });
  });
}

const results = [];
let stopped = false;
for (const step of steps) {
  if (stopped) {
    results.push({ name: step.name, result: 'not run' });
    continue;
  }
  if (step.optional && !existsSync(join(root, step.optional))) {
    results.push({ name: step.name, result: 'absent' });
    continue;
  }
  const envShown = Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${v}`);
  console.log(`\n===== ${step.name}: ${[...envShown, step.cmd === node ? 'node' : step.cmd, ...step.args].join(' ')}`);
  const started = Date.now();
  const { code, counts } = await runStep(step);
  if (code === 0 && step.after) {
    step.after();
  }
  const seconds = (Date.now() - started) / 1000;
  let ok = code === 0;
  if (ok && step.counts && !counts) {
    console.error(`test-all: ${step.name} printed no "${step.name.split(' ')[0]}: N passed, N failed" line`);
    ok = false;
  }
  if (ok && counts && counts.failed > 0) {
    ok = false;
  }
  results.push({ name: step.name, result: ok ? 'ok' : 'FAILED', counts, seconds, code });
  if (!ok) {
    stopped = true;
  }
}

let passed = 0;
let failed = 0;
const rows = [['step', 'result', 'passed', 'failed', 'seconds']];
for (const r of results) {
  if (r.counts) {
    passed += r.counts.passed;
    failed += r.counts.failed;
  }
  // A failed step without test counts (lint, types, build, a crash) still counts once.
  if (r.result === 'FAILED' && !(r.counts && r.counts.failed > 0)) {
    failed += 1;
  }
  rows.push([
    r.name,
    r.result,
    r.counts ? String(r.counts.passed) : '',
    r.counts ? String(r.counts.failed) : r.result === 'FAILED' ? '(step)' : '',
    r.seconds === undefined ? '' : r.seconds.toFixed(1),
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
console.log('\n===== summary');
for (const row of rows) {
  console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = stopped ? 1 : 0;
