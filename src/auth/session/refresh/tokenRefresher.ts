import type { Logger } from '../../../log/logger';
import type { Clock } from '../../../util/clock';
import type { Disposable, Listener } from '../../emitter';
import { SecretRefreshLease, type RefreshLeaseLike } from '../refreshLease';
import type { StoredSession, TokenSet } from '../session';
import type { SessionStore } from '../sessionStore';
import { RefreshCoordinator } from './coordinator';
import { describeError, RefreshCall } from './refreshCall';
import { DEFAULT_TIMING, needsRefresh, type RefreshTiming } from './schedule';
import { RefreshScheduler } from './scheduler';
import { SessionCache } from './sessionCache';

export interface TokenRefresherOptions extends Partial<RefreshTiming> {
  store: SessionStore;
  refresh: (refreshToken: string) => Promise<TokenSet>;
  clock: Clock;
  log: Logger;
  /** In [0, 1); spreads the proactive refresh so windows rarely collide. */
  random?: () => number;
  /** Cross-window coordination; defaults to a lease in the same SecretStorage. */
  lease?: RefreshLeaseLike;
  /** Longest wait for another window that holds the lease. Default 35 s. */
  maxLeaseWaitMs?: number;
}

/**
 * Keeps the SSO session's access token fresh, for every caller and every
 * window. All concurrent callers share one in-flight refresh; before a
 * refresh token is spent the store is re-read, and a lease keeps two windows
 * from spending the same rotating token.
 */
export class TokenRefresher implements Disposable {
  /** Fires once per lost session (the refresh token was refused or has expired). */
  readonly onExpired: (listener: Listener<StoredSession>) => Disposable;
  readonly onRefreshed: (listener: Listener<StoredSession>) => Disposable;

  private readonly timing: RefreshTiming;
  private readonly cache: SessionCache;
  private readonly call: RefreshCall;
  private readonly coordinator: RefreshCoordinator;
  private readonly scheduler: RefreshScheduler;
  private readonly subscription: Disposable;

  constructor(private readonly options: TokenRefresherOptions) {
    const { store, clock, log } = options;
    this.timing = {
      marginMs: options.marginMs ?? DEFAULT_TIMING.marginMs,
      jitterMs: options.jitterMs ?? DEFAULT_TIMING.jitterMs,
      retryBaseMs: options.retryBaseMs ?? DEFAULT_TIMING.retryBaseMs,
      retryMaxMs: options.retryMaxMs ?? DEFAULT_TIMING.retryMaxMs,
    };
    const lease =
      options.lease ??
      new SecretRefreshLease({ secrets: store.secrets, apiUrl: store.normalizedApiUrl, accountId: store.accountId, clock, log });
    this.cache = new SessionCache(store);
    this.call = new RefreshCall({ store, refresh: options.refresh, clock, log, cache: this.cache, marginMs: this.timing.marginMs });
    this.onExpired = this.call.onExpired;
    this.onRefreshed = this.call.onRefreshed;
    this.coordinator = new RefreshCoordinator({
      store,
      lease,
      clock,
      log,
      call: this.call,
      marginMs: this.timing.marginMs,
      maxLeaseWaitMs: options.maxLeaseWaitMs ?? 35_000,
    });
    this.scheduler = new RefreshScheduler({
      clock,
      log,
      random: options.random ?? Math.random,
      timing: this.timing,
      read: () => this.cache.current(),
      refresh: (headStartMs) => this.coordinator.share(() => this.ensureFresh(headStartMs)),
    });
    this.subscription = store.onDidChange(() => {
      this.cache.forget();
      this.scheduler.sessionChanged();
    });
  }

  /**
   * The stored session, with an access token valid for at least the margin,
   * refreshed first if needed. `undefined` when signed out or the session
   * just expired. Rejects on a transient failure only when the current access
   * token is already unusable.
   */
  freshSession(): Promise<StoredSession | undefined> {
    return this.coordinator.share(() => this.ensureFresh(0));
  }

  /**
   * After the server answered 401 to `rejectedAccessToken`: a session with a
   * different access token, refreshing unless another caller already did.
   */
  async forceRefresh(rejectedAccessToken: string): Promise<StoredSession | undefined> {
    const pending = this.coordinator.pending;
    if (pending) {
      const shared = await pending.catch(() => undefined);
      if (shared && shared.accessToken !== rejectedAccessToken) {
        return shared;
      }
    }
    return this.coordinator.share(() => this.ensureFresh(0, rejectedAccessToken));
  }

  /** Starts background refreshes ahead of expiry. */
  start(): void {
    this.scheduler.start();
  }

  dispose(): void {
    this.scheduler.dispose();
    this.subscription.dispose();
    this.call.dispose();
  }

  private async ensureFresh(headStartMs: number, rejectedAccessToken?: string): Promise<StoredSession | undefined> {
    const { clock, log } = this.options;
    const session = await this.cache.current();
    if (!session || session.kind !== 'sso') {
      return session;
    }
    const forced = rejectedAccessToken !== undefined && session.accessToken === rejectedAccessToken;
    if (!forced && !needsRefresh(session, clock.now(), this.timing.marginMs, headStartMs)) {
      return session;
    }
    try {
      const result = await this.coordinator.refresh(session, rejectedAccessToken);
      this.scheduler.succeeded();
      return result;
    } catch (err) {
      this.scheduler.failed(err);
      log.warn(`Could not refresh the Modbox session (will retry): ${describeError(err)}`);
      // A token that still works beats an error for a user who is offline for a minute.
      if (!forced && session.accessExpiresAt !== undefined && clock.now() < session.accessExpiresAt) {
        return session;
      }
      throw err;
    }
  }
}
