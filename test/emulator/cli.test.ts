import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from './cli';
import { call } from './testUtil';

const CLI = path.join(__dirname, 'cli.js');

/** Resolves with the first stdout line, or rejects after a few seconds. */
function firstLine(child: ChildProcess, output: { text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; output so far: ${output.text}`)), 5000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output.text += chunk.toString();
      const nl = output.text.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(output.text.slice(0, nl));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited early with ${code}`));
    });
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('did not exit')), 5000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('emulator: CLI', function () {
  // Each test spawns node; on a loaded machine that alone can take seconds.
  this.timeout(15_000);
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the listening line, logs requests without secrets or queries, and exits 0 on SIGTERM', async () => {
    child = spawn(process.execPath, [CLI, '--port', '0', '--host', '127.0.0.1', '--access-ttl', '5', '--fault', 'GET /workspaces=status:503@1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { text: '' };
    const line = await firstLine(child, output);
    const m = /^Modbox emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    assert.ok(m, line);
    const base = m[1];

    const session = (await call(base, '/__emulator/session', { body: {} })).json as { access_token: string; expires_in: number };
    assert.equal(session.expires_in, 5);
    assert.equal((await call(base, '/workspaces?state=secret-state', { token: session.access_token })).status, 503);
    assert.equal((await call(base, '/workspaces', { token: session.access_token })).status, 200);
    const created = (await call(base, '/api-tokens/', { token: session.access_token, body: { description: 'cli' } })).json as { token: string };
    assert.equal((await call(base, `/api-tokens/${created.token}`, { method: 'DELETE', token: session.access_token })).status, 204);
    const secrets = ((await call(base, '/__emulator/issued-secrets')).json as { secrets: string[] }).secrets;

    const code = exitCode(child);
    child.kill('SIGTERM');
    assert.equal(await code, 0);
    assert.match(output.text, /^GET \/workspaces 503 \d+ms$/m);
    assert.match(output.text, /^DELETE \/api-tokens\/mbx_\[redacted\] 204 \d+ms$/m);
    assert.ok(!output.text.includes('secret-state'));
    for (const s of secrets) {
      assert.ok(!output.text.includes(s));
    }
  });

  it('refuses unknown flags and a non-loopback host', async () => {
    child = spawn(process.execPath, [CLI, '--bogus'], { stdio: 'ignore' });
    assert.equal(await exitCode(child), 2);
    child = spawn(process.execPath, [CLI, '--host', '0.0.0.0'], { stdio: 'ignore' });
    assert.equal(await exitCode(child), 1);
  });

  it('parses every flag but the TLS pair (tls.test.ts covers those)', () => {
    const o = parseArgs([
      '--port', '7777', '--host', '127.0.0.2', '--access-ttl', '3', '--refresh-ttl', '9', '--latency', '20',
      '--fault', '*=html:502', '--sso-response-mode', 'query', '--auto-consent', 'deny', '--no-rotate', '--seed', '10,20', '--quiet',
      '--sso-email', 'grace@example.com',
    ]);
    assert.deepEqual(o, {
      port: 7777, host: '127.0.0.2', accessTtlSeconds: 3, refreshTtlSeconds: 9, latencyMs: 20, ssoResponseMode: 'query',
      autoConsent: 'deny', rotateRefreshTokens: false, seed: { workspaces: 10, tokens: 20 }, quiet: true, ssoEmail: 'grace@example.com',
      faults: [{ route: '*', fault: { kind: 'html', status: 502 } }],
    });
    assert.throws(() => parseArgs(['--port']), /--port needs a value/);
    assert.throws(() => parseArgs(['--access-ttl', 'soon']), /--access-ttl needs a non-negative number/);
    assert.throws(() => parseArgs(['--sso-response-mode', 'post']), /--sso-response-mode is fragment or query/);
  });
});
