import type { Logger } from '../../../log/logger';
import type { Clock } from '../../../util/clock';
import type { RefreshLeaseLike } from '../refreshLease';
import type { StoredSession } from '../session';
import type { SessionStore } from '../sessionStore';
import { describeError, type RefreshCall, type SpendResult } from './refreshCall';
import { isSettled, needsRefresh } from './schedule';

/** How often one refresh may be retried because the session changed under us. */
const MAX_ROUNDS = 4;

export interface RefreshCoordinatorDeps {
  store: SessionStore;
  lease: RefreshLeaseLike;
  clock: Clock;
  log: Logger;
  call: RefreshCall;
  marginMs: number;
  /** Longest wait for another window that holds the lease. */
  maxLeaseWaitMs: number;
}

/**
 * Makes one refresh out of many requests for one: every caller in this
 * window shares the refresh in flight, and across windows a lease decides
 * who spends the rotating refresh token while the others wait for its result.
 */
export class RefreshCoordinator {
  private inflight: Promise<StoredSession | undefined> | undefined;

  constructor(private readonly deps: RefreshCoordinatorDeps) {}

  /** The shared refresh in flight, if any. */
  get pending(): Promise<StoredSession | undefined> | undefined {
    return this.inflight;
  }

  /** Runs `work` unless a refresh is already in flight, in which case its promise is shared. */
  share(work: () => Promise<StoredSession | undefined>): Promise<StoredSession | undefined> {
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

  /**
   * Refreshes `start`, which is due (or whose access token was rejected),
   * spending its refresh token at most once across windows. Throws on a
   * transient failure.
   */
  async refresh(start: StoredSession, rejectedAccessToken?: string): Promise<StoredSession | undefined> {
    const { clock, call, lease, marginMs } = this.deps;
    let session = start;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (round > 0 && session.accessToken !== rejectedAccessToken && !needsRefresh(session, clock.now(), marginMs)) {
        return session;
      }
      const now = clock.now();
      if (!session.refreshToken) {
        // Nothing to refresh with: usable until it expires, then gone.
        if (session.accessExpiresAt !== undefined && now >= session.accessExpiresAt) {
          return call.expire(session, 'the access token expired and there is no refresh token');
        }
        return session;
      }
      if (session.refreshExpiresAt !== undefined && now >= session.refreshExpiresAt) {
        return call.expire(session, 'the refresh token has expired');
      }
      const held = await lease.tryAcquire().catch((err: unknown) => {
        // Best effort: without a working lease we still refresh, and a lost race is recovered below.
        this.deps.log.debug(`Refresh lease unavailable: ${describeError(err)}`);
        return { acquired: true as const };
      });
      if (!held.acquired && round < MAX_ROUNDS - 1) {
        const latest = await this.waitForOtherWindow(session, held.heldUntil);
        if (!latest || latest.kind !== 'sso' || isSettled(latest, session, rejectedAccessToken, clock.now(), marginMs)) {
          return latest;
        }
        session = latest;
        continue;
      }
      let result: SpendResult;
      try {
        const spent = await call.spend(session, rejectedAccessToken);
        result = 'refused' in spent ? await this.afterRefusal(spent.refused) : spent;
      } finally {
        if (held.acquired) {
          await lease.release();
        }
      }
      if ('done' in result) {
        return result.done;
      }
      session = result.again;
    }
    throw new Error('The Modbox session kept changing while it was being refreshed.');
  }

  /** The server refused `spent.refreshToken`; another window may have spent it and not yet written the result. */
  private async afterRefusal(spent: StoredSession): Promise<SpendResult> {
    const { store, lease, call } = this.deps;
    let latest = await store.read();
    if (latest && latest.refreshToken === spent.refreshToken && latest.id === spent.id) {
      const held = await lease.tryAcquire().catch(() => ({ acquired: true as const }));
      if (held.acquired) {
        await lease.release();
      } else {
        latest = await this.waitForOtherWindow(spent, held.heldUntil);
      }
    }
    return call.judgeRefusal(spent, latest);
  }

  /**
   * Another window holds the lease: wait until it writes the session, or
   * until its lease lapses (bounded), then return what is stored.
   */
  private async waitForOtherWindow(session: StoredSession, heldUntil: number): Promise<StoredSession | undefined> {
    const { store, clock } = this.deps;
    const waitMs = Math.max(0, Math.min(heldUntil - clock.now(), this.deps.maxLeaseWaitMs));
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
}
