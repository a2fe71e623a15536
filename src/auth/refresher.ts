import type { Clock, Timer } from '../util/clock';
import type { Logger } from '../log/logger';
import { Emitter, type Disposable } from './emitter';
import { decodeClaims } from './jwt';
import { SecretRefreshLease, type RefreshLeaseLike } from './refreshLease';
import { refreshedSession, type StoredSession, type TokenSet } from './session';
import type { SessionStore } from './sessionStore';

/**
 * What the refresh call throws: `kind: 'unauthorized'` means the server
 * refused the refresh token; every other kind is transient.
 */
export interface RefreshErrorLike {
  kind: string;
  retryAfterMs?: number;
}

export interface TokenRefresherOptions {
  store: SessionStore;
  refresh: (refreshToken: string) => Promise<TokenSet>;
  clock: Clock;
  log: Logger;
  /** In [0, 1); spreads the proactive refresh so windows rarely collide. */
  random?: () => number;
  /** Cross-window coordination; defaults to a lease in the same SecretStorage. */
  lease?: RefreshLeaseLike;
  /** Refresh when the access token has less than this left (capped at half its lifetime). Default 60 s. */
  marginMs?: number;
  /** Largest random head start of the background refresh (capped at half the margin). Default 30 s. */
  jitterMs?: number;
  /** Background retry after a transient failure: exponential from `baseMs`, at most `maxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Longest wait for another window that holds the lease. Default 35 s. */
  maxLeaseWaitMs?: number;
}

/** How often one refresh may be retried because the session changed under us. */
const MAX_ROUNDS = 4;
/** A server asking for more than this is not obeyed to the letter: the session would die first. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;
const MIN_TIMER_GAP_MS = 1_000;

type SpendResult = { done: StoredSession | undefined } | { again: StoredSession };

/**
 * Keeps the SSO session's access token fresh, for every caller and every
 * window. All concurrent callers share one in-flight refresh; before a
 * refresh token is spent the store is re-read, and a lease keeps two windows
 * from spending the same rotating token.
 */
export class TokenRefresher implements Disposable {
  private readonly expiredEmitter = new Emitter<StoredSession>();
  private readonly refreshedEmitter = new Emitter<StoredSession>();
  /** Fires once per lost session (the refresh token was refused or has expired). */
  readonly onExpired = this.expiredEmitter.event;
  readonly onRefreshed = this.refreshedEmitter.event;

  private readonly lease: RefreshLeaseLike;
  private readonly random: () => number;
  private readonly marginMs: number;
  private readonly jitterMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly maxLeaseWaitMs: number;

  private inflight: Promise<StoredSession | undefined> | undefined;
  private cached: { session: StoredSession | undefined } | undefined;
  /** Bumped on every store change so a slow read never caches stale data. */
  private generation = 0;
  private readonly expiredKeys = new Set<string>();
  private readonly subscription: Disposable;
  private started = false;
  private disposed = false;
  private timer: Timer | undefined;
  private scheduleSeq = 0;
  private retryAttempt = 0;
  private retryAt: number | undefined;
  private lastTimerAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: TokenRefresherOptions) {
    this.random = options.random ?? Math.random;
    this.marginMs = options.marginMs ?? 60_000;
    this.jitterMs = options.jitterMs ?? 30_000;
    this.retryBaseMs = options.retryBaseMs ?? 2_000;
    this.retryMaxMs = options.retryMaxMs ?? 5 * 60_000;
    this.maxLeaseWaitMs = options.maxLeaseWaitMs ?? 35_000;
    this.lease =
      options.lease ??
      new SecretRefreshLease({
        secrets: options.store.secrets,
        apiUrl: options.store.normalizedApiUrl,
        clock: options.clock,
        log: options.log,
      });
    this.subscription = options.store.onDidChange(() => {
      this.generation++;
      this.cached = undefined;
      // Another window (or we) wrote a new session: old retry plans are moot.
      this.retryAttempt = 0;
      this.retryAt = undefined;
      this.reschedule();
    });
  }

  /**
   * The stored session, with an access token valid for at least the margin,
   * refreshed first if needed. `undefined` when signed out or the session
   * just expired. Rejects on a transient failure only when the current access
   * token is already unusable.
   */
  freshSession(): Promise<StoredSession | undefined> {
    return this.share(() => this.ensureFresh(0));
  }

  /**
   * After the server answered 401 to `rejectedAccessToken`: a session with a
   * different access token, refreshing unless another caller already did.
   */
  async forceRefresh(rejectedAccessToken: string): Promise<StoredSession | undefined> {
    if (this.inflight) {
      const shared = await this.inflight.catch(() => undefined);
      if (shared && shared.accessToken !== rejectedAccessToken) {
        return shared;
      }
    }
    return this.share(() => this.ensureFresh(0, rejectedAccessToken));
  }

  /** Starts background refreshes ahead of expiry. */
  start(): void {
    if (this.disposed || this.started) {
      return;
    }
    this.started = true;
    this.reschedule();
  }

  dispose(): void {
    this.disposed = true;
    this.started = false;
    this.timer?.cancel();
    this.timer = undefined;
    this.subscription.dispose();
    this.expiredEmitter.dispose();
    this.refreshedEmitter.dispose();
  }

  private share(work: () => Promise<StoredSession | undefined>): Promise<StoredSession | undefined> {
    if (!this.inflight) {
      const promise = work().finally(() => {
        if (this.inflight === promise) {
          this.inflight = undefined;
        }
      });
      this.inflight = promise;
    }
    return this.inflight;
  }

  private async current(): Promise<StoredSession | undefined> {
    if (this.cached) {
      return this.cached.session;
    }
    const generation = this.generation;
    const session = await this.options.store.read();
    if (generation === this.generation) {
      this.cached = { session };
    }
    return session;
  }

  private async ensureFresh(headStartMs: number, rejectedAccessToken?: string): Promise<StoredSession | undefined> {
    const session = await this.current();
    if (!session || session.kind !== 'sso') {
      return session;
    }
    const forced = rejectedAccessToken !== undefined && session.accessToken === rejectedAccessToken;
    if (!forced && !this.needsRefresh(session, headStartMs)) {
      return session;
    }
    try {
      const result = await this.refreshSession(session, rejectedAccessToken);
      this.retryAttempt = 0;
      this.retryAt = undefined;
      return result;
    } catch (err) {
      this.planRetry(err);
      this.options.log.warn(`Could not refresh the Modbox session (will retry): ${describeError(err)}`);
      const now = this.options.clock.now();
      // A token that still works beats an error for a user who is offline for a minute.
      if (!forced && session.accessExpiresAt !== undefined && now < session.accessExpiresAt) {
        return session;
      }
      throw err;
    }
  }

  private async refreshSession(start: StoredSession, rejectedAccessToken?: string): Promise<StoredSession | undefined> {
    let session = start;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (round > 0 && session.accessToken !== rejectedAccessToken && !this.needsRefresh(session, 0)) {
        return session;
      }
      const now = this.options.clock.now();
      if (!session.refreshToken) {
        // Nothing to refresh with: usable until it expires, then gone.
        if (session.accessExpiresAt !== undefined && now >= session.accessExpiresAt) {
          return this.expire(session, 'the access token expired and there is no refresh token');
        }
        return session;
      }
      if (session.refreshExpiresAt !== undefined && now >= session.refreshExpiresAt) {
        return this.expire(session, 'the refresh token has expired');
      }
      const lease = await this.lease.tryAcquire().catch((err: unknown) => {
        // Best effort: without a working lease we still refresh, and a lost race is recovered below.
        this.options.log.debug(`Refresh lease unavailable: ${describeError(err)}`);
        return { acquired: true as const };
      });
      if (!lease.acquired && round < MAX_ROUNDS - 1) {
        const latest = await this.waitForOtherWindow(session, lease.heldUntil);
        if (!latest || latest.kind !== 'sso' || this.isSettled(latest, session, rejectedAccessToken)) {
          return latest;
        }
        session = latest;
        continue;
      }
      let result: SpendResult;
      try {
        result = await this.spend(session, rejectedAccessToken);
      } finally {
        if (lease.acquired) {
          await this.lease.release();
        }
      }
      if ('done' in result) {
        return result.done;
      }
      session = result.again;
    }
    throw new Error('The Modbox session kept changing while it was being refreshed.');
  }

  /** True when `latest` is a result we can hand out instead of refreshing `spent`. */
  private isSettled(latest: StoredSession, spent: StoredSession, rejectedAccessToken?: string): boolean {
    if (latest.accessToken === spent.accessToken || latest.accessToken === rejectedAccessToken) {
      return false;
    }
    return !this.needsRefresh(latest, 0);
  }

  /** Holding the lease (or not needing it): re-read, then spend the refresh token once. */
  private async spend(session: StoredSession, rejectedAccessToken?: string): Promise<SpendResult> {
    const { store, clock, log } = this.options;
    const latest = await store.read();
    if (!latest || latest.kind !== 'sso') {
      return { done: latest };
    }
    if (this.isSettled(latest, session, rejectedAccessToken)) {
      log.debug('Another window already refreshed the Modbox session.');
      return { done: latest };
    }
    const refreshToken = latest.refreshToken;
    if (!refreshToken || (latest.refreshExpiresAt !== undefined && clock.now() >= latest.refreshExpiresAt)) {
      // The loop decides: use it while valid, or end it.
      return { again: latest };
    }
    let tokens: TokenSet;
    try {
      tokens = await this.options.refresh(refreshToken);
    } catch (err) {
      if (isRefusal(err)) {
        return this.refused(latest);
      }
      throw err;
    }
    const next = refreshedSession(latest, tokens, clock.now());
    const check = await store.read();
    if (!check || check.id !== latest.id || check.refreshToken !== refreshToken) {
      // Signed out, or a new sign-in landed while we refreshed: theirs wins.
      log.debug('The Modbox session changed during a refresh; keeping the newer one.');
      return check && check.kind === 'sso' && this.needsRefresh(check, 0) ? { again: check } : { done: check };
    }
    await store.write(next);
    this.generation++;
    this.cached = { session: next };
    log.info('Refreshed the Modbox session.');
    this.refreshedEmitter.fire(next, (err) => log.error(`onRefreshed listener failed: ${describeError(err)}`));
    return { done: next };
  }

  /** The server refused `spent.refreshToken`: lost a race with another window, or the session is over. */
  private async refused(spent: StoredSession): Promise<SpendResult> {
    const { store } = this.options;
    let latest = await store.read();
    if (latest && latest.refreshToken === spent.refreshToken && latest.id === spent.id) {
      // Another window may have spent it and not yet written the result.
      const lease = await this.lease.tryAcquire().catch(() => ({ acquired: true as const }));
      if (lease.acquired) {
        await this.lease.release();
      } else {
        latest = await this.waitForOtherWindow(spent, lease.heldUntil);
      }
    }
    if (!latest) {
      return { done: undefined };
    }
    if (latest.id !== spent.id || latest.refreshToken !== spent.refreshToken || latest.kind !== 'sso') {
      this.options.log.debug('Another window rotated the refresh token first; using its session.');
      return latest.kind === 'sso' && this.needsRefresh(latest, 0) ? { again: latest } : { done: latest };
    }
    return { done: await this.expire(latest, 'the server refused the refresh token') };
  }

  private async expire(session: StoredSession, why: string): Promise<undefined> {
    const { store, log } = this.options;
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

  /**
   * Another window holds the lease: wait until it writes the session, or
   * until its lease lapses (bounded), then return what is stored.
   */
  private async waitForOtherWindow(session: StoredSession, heldUntil: number): Promise<StoredSession | undefined> {
    const { store, clock } = this.options;
    const waitMs = Math.max(0, Math.min(heldUntil - clock.now(), this.maxLeaseWaitMs));
    await new Promise<void>((resolve) => {
      let settled = false;
      const finish = (): void => {
        if (settled) return;
        settled = true;
        sub.dispose();
        timer.cancel();
        resolve();
      };
      const sub = store.onDidChange(finish);
      const timer = clock.setTimeout(finish, waitMs);
      // The other window may have written before we subscribed.
      store.read().then(
        (latest) => {
          if (!latest || latest.accessToken !== session.accessToken || latest.refreshToken !== session.refreshToken) {
            finish();
          }
        },
        () => finish(),
      );
    });
    return store.read();
  }

  /** Time to act: the access token is (nearly) used up, or the refresh token has expired. */
  private needsRefresh(session: StoredSession, headStartMs: number): boolean {
    if (session.kind !== 'sso') {
      return false;
    }
    const now = this.options.clock.now();
    if (session.refreshExpiresAt !== undefined && now >= session.refreshExpiresAt) {
      return true;
    }
    if (session.accessExpiresAt === undefined) {
      return false;
    }
    if (!session.refreshToken) {
      return now >= session.accessExpiresAt;
    }
    return now >= session.accessExpiresAt - this.margin(session) - headStartMs;
  }

  /** The configured margin, but never more than half the token's lifetime (short TTLs in tests). */
  private margin(session: StoredSession): number {
    const claims = decodeClaims(session.accessToken);
    if (claims?.exp !== undefined && claims.iat !== undefined && claims.exp > claims.iat) {
      return Math.min(this.marginMs, ((claims.exp - claims.iat) * 1000) / 2);
    }
    return this.marginMs;
  }

  private jitterWindow(session: StoredSession): number {
    return Math.min(this.jitterMs, this.margin(session) / 2);
  }

  private planRetry(err: unknown): void {
    this.retryAttempt++;
    const exponential = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(this.retryAttempt - 1, 20));
    let delay = exponential / 2 + this.random() * (exponential / 2);
    const retryAfter = retryAfterMs(err);
    if (retryAfter !== undefined) {
      delay = Math.max(delay, Math.min(retryAfter, MAX_RETRY_AFTER_MS));
    }
    this.retryAt = this.options.clock.now() + delay;
    this.reschedule();
  }

  /** Plans the next background refresh from the stored session. Never rejects. */
  private reschedule(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (!this.started || this.disposed) {
      return;
    }
    const seq = ++this.scheduleSeq;
    this.current().then(
      (session) => {
        if (seq !== this.scheduleSeq || !this.started || this.disposed) {
          return;
        }
        if (!session || session.kind !== 'sso') {
          return;
        }
        let at: number;
        if (!session.refreshToken) {
          // Nothing to renew it with: only notice when it is gone.
          if (session.accessExpiresAt === undefined) {
            return;
          }
          at = session.accessExpiresAt;
        } else if (this.retryAt !== undefined) {
          at = this.retryAt;
        } else if (session.accessExpiresAt !== undefined) {
          at = session.accessExpiresAt - this.margin(session) - this.random() * this.jitterWindow(session);
        } else {
          return;
        }
        if (session.refreshExpiresAt !== undefined) {
          // Notice an expired refresh token when it expires, not at the next retry.
          at = Math.min(at, session.refreshExpiresAt);
        }
        const now = this.options.clock.now();
        // Whatever goes wrong, the timer never fires more than once a second.
        const delay = Math.max(0, at - now, this.lastTimerAt + MIN_TIMER_GAP_MS - now);
        this.timer = this.options.clock.setTimeout(() => this.onTimer(session), delay);
      },
      (err: unknown) => this.options.log.error(`Could not schedule the Modbox session refresh: ${describeError(err)}`),
    );
  }

  private onTimer(session: StoredSession): void {
    this.timer = undefined;
    this.lastTimerAt = this.options.clock.now();
    if (!this.started || this.disposed) {
      return;
    }
    const headStart = this.jitterWindow(session);
    this.share(() => this.ensureFresh(headStart)).then(
      () => this.reschedule(),
      // Already logged, and a retry is planned by ensureFresh.
      () => undefined,
    );
  }
}

export function isRefusal(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as RefreshErrorLike).kind === 'unauthorized';
}

function retryAfterMs(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) {
    return undefined;
  }
  const value = (err as RefreshErrorLike).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    return err.message;
  }
  if (typeof err === 'object' && err !== null && typeof (err as RefreshErrorLike).kind === 'string') {
    return `error kind ${(err as RefreshErrorLike).kind}`;
  }
  return 'unknown error';
}
