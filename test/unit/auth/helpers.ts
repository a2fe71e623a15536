import type { Logger } from '../../../src/log/logger';
import type { Clock } from '../../../src/util/clock';
import type { TokenSet } from '../../../src/auth/session/session';

/** A logger that keeps every line, so tests can check what was (not) written. */
export class CaptureLog implements Logger {
  readonly lines: string[] = [];
  trace = (m: string, ...a: unknown[]): void => this.push('trace', m, a);
  debug = (m: string, ...a: unknown[]): void => this.push('debug', m, a);
  info = (m: string, ...a: unknown[]): void => this.push('info', m, a);
  warn = (m: string, ...a: unknown[]): void => this.push('warn', m, a);
  error = (m: string | Error, ...a: unknown[]): void => this.push('error', m instanceof Error ? m.message : m, a);

  get text(): string {
    return this.lines.join('\n');
  }

  private push(level: string, message: string, args: unknown[]): void {
    this.lines.push(`${level} ${message}${args.length ? ' ' + JSON.stringify(args) : ''}`);
  }
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsigned JWT with the given claims (the client never checks signatures). */
export function makeJwt(claims: Record<string, unknown>): string {
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`;
}

export interface FakeServerOptions {
  rotate?: boolean;
  accessTtlS?: number;
  refreshTtlS?: number;
  latencyMs?: number;
  sub?: string;
  email?: string;
}

export interface Identity {
  sub: string;
  email: string;
}

export type RefreshOutcome = 'ok' | 'reused' | 'unknown' | 'expired' | 'transient';

/**
 * The token side of Modbox: rotating refresh tokens, and a 401 for a token
 * presented twice. Every call is logged with its outcome.
 */
export class FakeAuthServer {
  readonly log: { token: string; outcome: RefreshOutcome; at: number }[] = [];
  /** Errors to throw (in order) instead of answering, e.g. `{ kind: 'network' }`. */
  readonly failures: unknown[] = [];
  private readonly live = new Map<string, number>();
  /** Whose each refresh token is, so a refresh keeps the identity. */
  private readonly owners = new Map<string, Identity>();
  private readonly spent = new Set<string>();
  private counter = 0;
  private readonly opts: Required<FakeServerOptions>;

  constructor(
    private readonly clock: Clock,
    options: FakeServerOptions = {},
  ) {
    this.opts = {
      rotate: true,
      accessTtlS: 300,
      refreshTtlS: 1800,
      latencyMs: 50,
      sub: 'user-1',
      email: 'ada@example.com',
      ...options,
    };
  }

  /** What an SSO sign-in hands out; another identity plays a second account. */
  signIn(identity?: Identity): TokenSet {
    return this.mint(true, identity);
  }

  /** Forgets every refresh token of one identity (an admin ended that account's session). */
  revokeIdentity(sub: string): void {
    for (const [token, owner] of this.owners) {
      if (owner.sub === sub && this.live.delete(token)) {
        this.spent.add(token);
      }
    }
  }

  /** Forgets every refresh token (an admin ended the session). */
  revokeAll(): void {
    for (const token of this.live.keys()) {
      this.spent.add(token);
    }
    this.live.clear();
  }

  get okCount(): number {
    return this.log.filter((e) => e.outcome === 'ok').length;
  }

  readonly refresh = async (refreshToken: string): Promise<TokenSet> => {
    const at = this.clock.now();
    await new Promise<void>((resolve) => this.clock.setTimeout(resolve, this.opts.latencyMs));
    if (this.failures.length > 0) {
      this.log.push({ token: refreshToken, outcome: 'transient', at });
      throw this.failures.shift();
    }
    const expiresAt = this.live.get(refreshToken);
    if (expiresAt === undefined) {
      this.log.push({ token: refreshToken, outcome: this.spent.has(refreshToken) ? 'reused' : 'unknown', at });
      throw Object.assign(new Error('Refresh token is not valid'), { kind: 'unauthorized' });
    }
    if (this.clock.now() >= expiresAt) {
      this.log.push({ token: refreshToken, outcome: 'expired', at });
      throw Object.assign(new Error('Refresh token expired'), { kind: 'unauthorized' });
    }
    this.log.push({ token: refreshToken, outcome: 'ok', at });
    if (this.opts.rotate) {
      this.live.delete(refreshToken);
      this.spent.add(refreshToken);
      return this.mint(true, this.owners.get(refreshToken));
    }
    const tokens = this.mint(false, this.owners.get(refreshToken));
    return { accessToken: tokens.accessToken, expiresIn: tokens.expiresIn };
  };

  private mint(withRefresh = true, identity: Identity = { sub: this.opts.sub, email: this.opts.email }): TokenSet {
    const n = ++this.counter;
    const iat = Math.floor(this.clock.now() / 1000);
    const accessToken = makeJwt({
      sub: identity.sub,
      email: identity.email,
      iat,
      exp: iat + this.opts.accessTtlS,
      jti: `a${n}`,
    });
    const tokens: TokenSet = { accessToken, expiresIn: this.opts.accessTtlS };
    if (withRefresh) {
      const refreshToken = `rt-${n}`;
      this.live.set(refreshToken, this.clock.now() + this.opts.refreshTtlS * 1000);
      this.owners.set(refreshToken, identity);
      tokens.refreshToken = refreshToken;
      tokens.refreshExpiresIn = this.opts.refreshTtlS;
    }
    return tokens;
  }
}
