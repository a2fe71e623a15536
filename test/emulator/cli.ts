/**
 * node out/test/emulator/cli.js --port <p> [--host 127.0.0.1] [--access-ttl 300] [--refresh-ttl 1800]
 *   [--latency ms] [--fault ROUTE=KIND[:ARG][@TIMES] ...] [--sso-response-mode fragment|query]
 *   [--auto-consent approve|deny] [--no-rotate] [--seed default|hostile|W,T] [--sso-email e] [--quiet]
 *   [--tls-cert cert.pem --tls-key key.pem]
 */
import { readFileSync } from 'node:fs';
import { parseFaultSpec } from './faults';
import type { Fault } from './faults';
import type { SeedOption } from './data';
import { startEmulator } from './server';
import type { EmulatorOptions } from './server';

export function parseArgs(argv: readonly string[]): EmulatorOptions & { quiet: boolean } {
  const opts: EmulatorOptions & { quiet: boolean } = { port: 0, quiet: false };
  const faults: Array<{ route: string; fault: Fault }> = [];
  let tlsCert: string | undefined;
  let tlsKey: string | undefined;
  const pem = (flag: string, file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`${flag}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new Error(`${flag} needs a non-negative number`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': opts.port = num(flag, value()); break;
      case '--host': opts.host = value(); break;
      case '--access-ttl': opts.accessTtlSeconds = num(flag, value()); break;
      case '--refresh-ttl': opts.refreshTtlSeconds = num(flag, value()); break;
      case '--latency': opts.latencyMs = num(flag, value()); break;
      case '--fault': faults.push(parseFaultSpec(value())); break;
      case '--no-rotate': opts.rotateRefreshTokens = false; break;
      case '--sso-email': opts.ssoEmail = value(); break;
      case '--quiet': opts.quiet = true; break;
      case '--sso-response-mode': {
        const v = value();
        if (v !== 'fragment' && v !== 'query') throw new Error('--sso-response-mode is fragment or query');
        opts.ssoResponseMode = v;
        break;
      }
      case '--auto-consent': {
        const v = value();
        if (v !== 'approve' && v !== 'deny' && v !== 'off') throw new Error('--auto-consent is approve, deny or off');
        opts.autoConsent = v === 'off' ? null : v;
        break;
      }
      case '--seed': opts.seed = parseSeedFlag(value()); break;
      case '--tls-cert': tlsCert = pem(flag, value()); break;
      case '--tls-key': tlsKey = pem(flag, value()); break;
      default:
        throw new Error(`unknown flag ${flag}`);
    }
  }
  if (faults.length > 0) opts.faults = faults;
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  if (tlsCert !== undefined && tlsKey !== undefined) opts.tls = { cert: tlsCert, key: tlsKey };
  return opts;
}

function parseSeedFlag(v: string): SeedOption {
  if (v === 'default' || v === 'hostile') return v;
  const m = /^(\d+),(\d+)$/.exec(v);
  if (!m) throw new Error('--seed is default, hostile or WORKSPACES,TOKENS');
  return { workspaces: Number(m[1]), tokens: Number(m[2]) };
}

async function main(): Promise<void> {
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`modbox emulator: ${(e as Error).message}`);
    process.exitCode = 2;
    return;
  }
  const { quiet, ...rest } = opts;
  const emulator = await startEmulator({ ...rest, log: quiet ? undefined : (line) => console.log(line) });
  console.log(`Modbox emulator listening on ${emulator.url}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`modbox emulator: ${(e as Error).message}`);
    process.exit(1);
  });
}
