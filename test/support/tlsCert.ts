/**
 * A throwaway self-signed certificate for loopback TLS servers in tests.
 * Node 20 cannot create X.509 certificates, so this runs the openssl CLI
 * (Debian package `openssl`) into a temporary folder that is removed at once.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestCertificate {
  /** PEM certificate, also usable as the CA that trusts it. */
  cert: string;
  /** PEM private key (unencrypted). */
  key: string;
}

/** A self-signed certificate valid for the given DNS names and IP addresses, for one day. */
export function selfSignedCertificate(names: readonly string[]): TestCertificate {
  if (names.length === 0) {
    throw new Error('selfSignedCertificate needs at least one name');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modbox-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
    const args = [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', `/CN=${names[0]}`,
      '-addext', `subjectAltName=${san}`,
    ];
    const run = spawnSync('openssl', args, { encoding: 'utf8', timeout: 20_000 });
    if (run.error || run.status !== 0) {
      const why = run.error ? run.error.message : `exit ${run.status}: ${run.stderr.trim().split('\n').pop() ?? ''}`;
      throw new Error(`could not create a test certificate with openssl (install the Debian package openssl): ${why}`);
    }
    return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
