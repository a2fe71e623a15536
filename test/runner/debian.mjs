// Makes sure the Debian packages the test harness needs are installed, so that
// `npm test` works on a fresh machine. Plain JS so it can run before `tsc`.
//
// Usage: node test/runner/debian.mjs [package ...]   (default: DEBIAN_PACKAGES)
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** Everything the harness needs: the browser, and what code-server's install builds with. */
export const DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev', 'ripgrep', 'python3', 'make', 'g++', 'openssl'];

let aptUpdated = false;

function isInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  if (r.error) {
    throw r.error;
  }
  return r.status === 0 && r.stdout.trim() === 'install ok installed';
}

function run(cmd, args) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 15 * 60 * 1000,
  });
  if (r.status !== 0) {
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed (${r.error ? r.error.message : `exit ${r.status}`})`);
  }
}

/** Names of the given packages that are not installed; null when this is not a dpkg system. */
export function missingDebianPackages(packages) {
  try {
    return packages.filter((p) => !isInstalled(p));
  } catch (e) {
    if (e && e.code === 'ENOENT') {
      return null;
    }
    throw e;
  }
}

/**
 * Installs missing packages with apt-get when running as root; otherwise throws
 * an error whose message is the one command the user has to run.
 */
export function ensureDebianPackages(packages = DEBIAN_PACKAGES) {
  const missing = missingDebianPackages(packages);
  if (missing === null) {
    console.warn(`debian: dpkg not found (not a Debian system?); make sure these are installed: ${packages.join(' ')}`);
    return;
  }
  if (missing.length === 0) {
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`Missing Debian packages (${missing.join(', ')}). Run: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
  console.log(`debian: installing ${missing.join(' ')}`);
  if (!aptUpdated) {
    run('apt-get', ['update']);
    aptUpdated = true;
  }
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing]);
  const still = missingDebianPackages(missing) ?? [];
  if (still.length > 0) {
    throw new Error(`apt-get did not install: ${still.join(' ')}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const packages = process.argv.slice(2);
  try {
    ensureDebianPackages(packages.length > 0 ? packages : DEBIAN_PACKAGES);
    console.log(`debian: ok (${(packages.length > 0 ? packages : DEBIAN_PACKAGES).join(', ')})`);
  } catch (e) {
    console.error(`debian: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
