/**
 * Keycloak-like sessions: a JWT access token, a rotating refresh token (a JWT
 * too, tracked server side by its jti), and a session ("refresh family") that
 * logout ends. Time comes from the caller so tests can move it.
 */
import { randomBytes } from 'node:crypto';
import { signJwt, verifyJwt } from './jwt';
import type { User } from './data';

export interface TokenSet {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
  token_type: 'Bearer';
}

export interface SessionPolicy {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  rotateRefreshTokens: boolean;
  revokeFamilyOnReuse: boolean;
}

interface Session {
  userId: string;
  alive: boolean;
}

interface RefreshRecord {
  sid: string;
  expiresAt: number;
  spent: boolean;
  token: string;
}

export type RefreshResult =
  | { ok: true; userId: string; tokens: TokenSet }
  | { ok: false; reason: 'invalid' | 'expired' | 'reused' | 'ended' };

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();

  constructor(
    private readonly secret: Buffer,
    private readonly issuer: () => string,
    private readonly now: () => number,
    private readonly onIssued: (secret: string) => void,
  ) {}

  clear(): void {
    this.sessions.clear();
    this.refreshTokens.clear();
  }

  start(user: User, policy: SessionPolicy): TokenSet {
    const sid = randomBytes(12).toString('hex');
    this.sessions.set(sid, { userId: user.id, alive: true });
    const refresh = this.issueRefresh(sid, user, policy.refreshTtlSeconds);
    return this.tokenSet(user, sid, policy, refresh.token, policy.refreshTtlSeconds);
  }

  /** The user id behind a valid, unexpired access token of a live session. */
  authenticate(token: string): string | undefined {
    const claims = verifyJwt(token, this.secret);
    if (!claims || claims.typ !== 'Bearer' || typeof claims.exp !== 'number' || typeof claims.sid !== 'string') {
      return undefined;
    }
    if (this.now() >= claims.exp * 1000) {
      return undefined;
    }
    const session = this.sessions.get(claims.sid);
    return session?.alive ? session.userId : undefined;
  }

  refresh(token: string, policy: SessionPolicy, userById: (id: string) => User | undefined): RefreshResult {
    const claims = verifyJwt(token, this.secret);
    const record = claims && claims.typ === 'Refresh' && typeof claims.jti === 'string' ? this.refreshTokens.get(claims.jti) : undefined;
    if (!record) {
      return { ok: false, reason: 'invalid' };
    }
    const session = this.sessions.get(record.sid);
    const user = session ? userById(session.userId) : undefined;
    if (!session || !session.alive || !user) {
      return { ok: false, reason: 'ended' };
    }
    if (record.spent) {
      if (policy.revokeFamilyOnReuse) {
        session.alive = false;
      }
      return { ok: false, reason: 'reused' };
    }
    if (this.now() >= record.expiresAt) {
      return { ok: false, reason: 'expired' };
    }
    if (!policy.rotateRefreshTokens) {
      const remaining = Math.max(1, Math.ceil((record.expiresAt - this.now()) / 1000));
      return { ok: true, userId: user.id, tokens: this.tokenSet(user, record.sid, policy, record.token, remaining) };
    }
    record.spent = true;
    const next = this.issueRefresh(record.sid, user, policy.refreshTtlSeconds);
    return { ok: true, userId: user.id, tokens: this.tokenSet(user, record.sid, policy, next.token, policy.refreshTtlSeconds) };
  }

  /** Ends the session a refresh token (spent or not) belongs to. False when there was nothing to end. */
  logout(token: string): boolean {
    const claims = verifyJwt(token, this.secret);
    const record = claims && typeof claims.jti === 'string' ? this.refreshTokens.get(claims.jti) : undefined;
    const session = record ? this.sessions.get(record.sid) : undefined;
    if (!session?.alive) {
      return false;
    }
    session.alive = false;
    return true;
  }

  private issueRefresh(sid: string, user: User, ttlSeconds: number): RefreshRecord {
    const nowMs = this.now();
    const jti = randomBytes(16).toString('hex');
    const expiresAt = nowMs + ttlSeconds * 1000;
    const token = signJwt({
      typ: 'Refresh', jti, sid, sub: user.id, iss: this.issuer(), iat: Math.floor(nowMs / 1000), exp: Math.floor(expiresAt / 1000),
    }, this.secret);
    const record = { sid, expiresAt, spent: false, token };
    this.refreshTokens.set(jti, record);
    this.onIssued(token);
    return record;
  }

  private tokenSet(user: User, sid: string, policy: SessionPolicy, refreshToken: string, refreshExpiresIn: number): TokenSet {
    const nowMs = this.now();
    const iat = Math.floor(nowMs / 1000);
    const access = signJwt({
      typ: 'Bearer', jti: randomBytes(16).toString('hex'), sid, sub: user.id, email: user.email, name: user.name,
      preferred_username: user.preferredUsername, iss: this.issuer(), iat, exp: iat + policy.accessTtlSeconds,
    }, this.secret);
    this.onIssued(access);
    return {
      access_token: access, refresh_token: refreshToken, expires_in: policy.accessTtlSeconds,
      refresh_expires_in: refreshExpiresIn, token_type: 'Bearer',
    };
  }
}
