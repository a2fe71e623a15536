import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { selfSignedCertificate, type TestCertificate } from '../support/tlsCert';
import { parseArgs } from './cli';
import { startEmulator, type Emulator } from './server';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET over TLS, trusting only `ca`, with the SNI/host name the certificate is for. */
function tlsGet(url: string, ca: string, servername: string, token?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, {
      ca, servername, timeout: 5000,
      headers: { host: servername, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

describe('emulator: TLS', function () {
  this.timeout(20_000);
  let cert: TestCertificate;
  let emulator: Emulator | undefined;

  before(() => {
    cert = selfSignedCertificate(['api.modbox.test', '127.0.0.1']);
  });

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('serves the API over https with the given certificate', async () => {
    emulator = await startEmulator({ tls: cert });
    assert.match(emulator.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const session = emulator.mintSession();
    const res = await tlsGet(`${emulator.url}/workspaces`, cert.cert, 'api.modbox.test', session.access_token);
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.body) as { workspaces: unknown[] }).workspaces.length, 3);
    assert.equal(emulator.stats().requests.at(-1)?.path, '/workspaces');
  });

  it('keeps https in its trailing-slash redirects', async () => {
    emulator = await startEmulator({ tls: cert });
    const session = emulator.mintSession();
    const res = await tlsGet(`${emulator.url}/api-tokens`, cert.cert, 'api.modbox.test', session.access_token);
    assert.equal(res.status, 307);
    assert.equal(res.headers.location, 'https://api.modbox.test/api-tokens/');
  });

  it('is refused by a client that does not trust the certificate', async () => {
    emulator = await startEmulator({ tls: cert });
    const other = selfSignedCertificate(['api.modbox.test']);
    await assert.rejects(tlsGet(`${emulator.url}/workspaces`, other.cert, 'api.modbox.test'), (err: NodeJS.ErrnoException) => {
      assert.match(String(err.code), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
      return true;
    });
  });

  it('CLI: --tls-cert and --tls-key serve https; one without the other is refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-emulator-tls-'));
    try {
      const certFile = path.join(dir, 'cert.pem');
      const keyFile = path.join(dir, 'key.pem');
      fs.writeFileSync(certFile, cert.cert);
      fs.writeFileSync(keyFile, cert.key);
      assert.deepEqual(parseArgs(['--tls-cert', certFile, '--tls-key', keyFile]).tls, cert);
      assert.throws(() => parseArgs(['--tls-cert', certFile]), /go together/);
      assert.throws(() => parseArgs(['--tls-cert', path.join(dir, 'missing.pem'), '--tls-key', keyFile]), /cannot read/);

      const child = spawn(process.execPath, [path.join(__dirname, 'cli.js'), '--quiet', '--tls-cert', certFile, '--tls-key', keyFile], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      try {
        const line = await new Promise<string>((resolve, reject) => {
          let out = '';
          const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 5000);
          child.stdout.on('data', (c: Buffer) => {
            out += c.toString();
            if (out.includes('\n')) {
              clearTimeout(timer);
              resolve(out.split('\n')[0]);
            }
          });
          child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`exited early with ${code}`));
          });
        });
        const m = /^Modbox emulator listening on (https:\/\/127\.0\.0\.1:\d+)$/.exec(line);
        assert.ok(m, line);
        assert.equal((await tlsGet(`${m[1]}/workspaces`, cert.cert, 'api.modbox.test')).status, 401);
      } finally {
        child.kill('SIGKILL');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
