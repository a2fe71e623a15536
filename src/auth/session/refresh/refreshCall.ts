import type { Logger } from '../../../log/logger';
import type { Clock } from '../../../util/clock';
import { Emitter } from '../../emitter';
import { refreshedSession, type StoredSession, type TokenSet } from '../session';
import type { SessionStore } from '../sessionStore';
import { isSettled, needsRefresh } from './schedule';
import type { SessionCache } from './sessionCache';

/**
 * What the refresh call throws: `kind: 'unauthorized'` means the server
 * refused the refresh token; every other kind is transient.
 */
interface RefreshErrorLike {
  kind: string;
  retryAfterMs?: number;
}

/** A refresh ended with this session (or none), or found a newer session that needs another look. */
export type SpendResult = { done: StoredSession | undefined } | { again: StoredSession };

export interface RefreshCallDeps {
  store: SessionStore;
  refresh: (refreshToken: string) => Promise<TokenSet>;
  clock: Clock;
  log: Logger;
  cache: SessionCache;
  marginMs: number;
}

/**
 * The refresh itself: spends the refresh token, stores the result, and ends
 * a session the server no longer honours. Callers hold the lease (or chose
 * to go without); this class knows nothing about other windows waiting.
 */
export class RefreshCall {
  private readonly expiredEmitter = new Emitter<StoredSession>();
  private readonly refreshedEmitter = new Emitter<StoredSession>();
  /** Fires once per lost session (the refresh token was refused or has expired). */
  readonly onExpired = this.expiredEmitter.event;
  readonly onRefreshed = this.refreshedEmitter.event;
  private readonly expiredKeys = new Set<string>();

  constructor(private readonly deps: RefreshCallDeps) {}

  /**
   * Re-reads the store, then spends its refresh token once. `refused` means
   * the server said no to `refused.refreshToken`; transient failures throw.
   */
  async spend(session: StoredSession, rejectedAccessToken?: string): Promise<SpendResult | { refused: StoredSession }> {
    const { store, clock, log, marginMs } = this.deps;
    const latest = await store.read();
    if (!latest || latest.kind !== 'sso') {
      return { done: latest };
    }
    if (isSettled(latest, session, rejectedAccessToken, clock.now(), marginMs)) {
      log.debug('Another window already refreshed the Modbox session.');
      return { done: latest };
    }
    const refreshToken = latest.refreshToken;
    if (!refreshToken || (latest.refreshExpiresAt !== undefined && clock.now() >= latest.refreshExpiresAt)) {
      // The caller decides: use it while valid, or end it.
      return { again: latest };
    }
    let tokens: TokenSet;
    try {
      tokens = await this.deps.refresh(refreshToken);
    } catch (err) {
      if (isRefusal(err)) {
        return { refused: latest };
      }
      throw err;
    }
    const next = refreshedSession(latest, tokens, clock.now());
    const check = await store.read();
    if (!check || check.id !== latest.id || check.refreshToken !== refreshToken) {
      // Signed out, or a new sign-in landed while we refreshed: theirs wins.
      log.debug('The Modbox session changed during a refresh; keeping the newer one.');
      return check && check.kind === 'sso' && needsRefresh(check, clock.now(), marginMs) ? { again: check } : { done: check };
    }
    await store.write(next);
    this.deps.cache.remember(next);
    log.info('Refreshed the Modbox session.');
    this.refreshedEmitter.fire(next, (err) => log.error(`onRefreshed listener failed: ${describeError(err)}`));
    return { done: next };
  }

  /**
   * The server refused `spent.refreshToken` and `latest` is what the store
   * holds now: another window rotated it first (use theirs), or the session is over.
   */
  async judgeRefusal(spent: StoredSession, latest: StoredSession | undefined): Promise<SpendResult> {
    if (!latest) {
      return { done: undefined };
    }
    if (latest.id !== spent.id || latest.refreshToken !== spent.refreshToken || latest.kind !== 'sso') {
      this.deps.log.debug('Another window rotated the refresh token first; using its session.');
      return latest.kind === 'sso' && needsRefresh(latest, this.deps.clock.now(), this.deps.marginMs)
        ? { again: latest }
        : { done: latest };
    }
    return { done: await this.expire(latest, 'the server refused the refresh token') };
  }

  /** Clears `session` from the store (unless replaced meanwhile) and tells listeners, once per session. */
  async expire(session: StoredSession, why: string): Promise<undefined> {
    const { store, log } = this.deps;
    log.info(`The Modbox session ended: ${why}.`);
    try {
      const latest = await store.read();
      // Only clear what we judged; a new sign-in from another window stays.
      if (latest && latest.id === session.id && latest.refreshToken === session.refreshToken) {
        await store.clear();
      }
    } catch (err) {
      log.error(`Could not clear the expired Modbox session: ${describeError(err)}`);
    }
    const key = `${session.id}\u0000${session.createdAt}`;
    if (!this.expiredKeys.has(key)) {
      this.expiredKeys.add(key);
      this.expiredEmitter.fire(session, (err) => log.error(`onExpired listener failed: ${describeError(err)}`));
    }
    return undefined;
  }

  dispose(): void {
    this.expiredEmitter.dispose();
    this.refreshedEmitter.dispose();
  }
}

/** The server refused the refresh token: the session cannot be renewed. */
function isRefusal(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as RefreshErrorLike).kind === 'unauthorized';
}

/** The server's Retry-After on a failed refresh, if it sent a usable one. */
export function retryAfterMs(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) {
    return undefined;
  }
  const value = (err as RefreshErrorLike).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** For logs: an error's message or kind, never its other fields (they may hold tokens). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    return err.message;
  }
  if (typeof err === 'object' && err !== null && typeof (err as RefreshErrorLike).kind === 'string') {
    return `error kind ${(err as RefreshErrorLike).kind}`;
  }
  return 'unknown error';
}
