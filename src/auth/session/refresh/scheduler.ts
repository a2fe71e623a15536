import type { Logger } from '../../../log/logger';
import type { Clock, Timer } from '../../../util/clock';
import type { StoredSession } from '../session';
import { describeError, retryAfterMs } from './refreshCall';
import { jitterWindow, nextRefreshAt, retryDelay, type RefreshTiming } from './schedule';

export interface RefreshSchedulerDeps {
  clock: Clock;
  log: Logger;
  /** In [0, 1); spreads the background refresh and the retries. */
  random: () => number;
  timing: RefreshTiming;
  /** The stored session now. */
  read(): Promise<StoredSession | undefined>;
  /** Refreshes if due within `headStartMs`. A failure is logged and reported through `failed` by the caller. */
  refresh(headStartMs: number): Promise<unknown>;
}

/**
 * The background timer: refreshes ahead of expiry once started, and after a
 * transient failure retries with backoff. When to run comes from
 * `nextRefreshAt`; this class only owns the timer and the retry count.
 */
export class RefreshScheduler {
  private started = false;
  private disposed = false;
  private timer: Timer | undefined;
  /** Bumped per plan so that a slow read never arms a stale timer. */
  private scheduleSeq = 0;
  private retryAttempt = 0;
  private retryAt: number | undefined;
  private lastTimerAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: RefreshSchedulerDeps) {}

  start(): void {
    if (this.disposed || this.started) {
      return;
    }
    this.started = true;
    this.reschedule();
  }

  /** The stored session changed (here or in another window): old retry plans are moot. */
  sessionChanged(): void {
    this.succeeded();
    this.reschedule();
  }

  /** A refresh worked: the next one is due by the clock, not by a retry plan. */
  succeeded(): void {
    this.retryAttempt = 0;
    this.retryAt = undefined;
  }

  /** A refresh failed transiently: plan the next attempt with backoff (and Retry-After). */
  failed(err: unknown): void {
    this.retryAttempt++;
    this.retryAt = this.deps.clock.now() + retryDelay(this.retryAttempt, retryAfterMs(err), this.deps.random, this.deps.timing);
    this.reschedule();
  }

  dispose(): void {
    this.disposed = true;
    this.started = false;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** Plans the next background refresh from the stored session. Never rejects. */
  private reschedule(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (!this.started || this.disposed) {
      return;
    }
    const seq = ++this.scheduleSeq;
    const { clock, log, random, timing } = this.deps;
    this.deps.read().then(
      (session) => {
        if (seq !== this.scheduleSeq || !this.started || this.disposed) {
          return;
        }
        const now = clock.now();
        const at = nextRefreshAt(session, { now, retryAt: this.retryAt, lastTimerAt: this.lastTimerAt, random }, timing);
        if (at === undefined || !session) {
          return;
        }
        this.timer = clock.setTimeout(() => this.onTimer(session), at - now);
      },
      (err: unknown) => log.error(`Could not schedule the Modbox session refresh: ${describeError(err)}`),
    );
  }

  private onTimer(session: StoredSession): void {
    this.timer = undefined;
    this.lastTimerAt = this.deps.clock.now();
    if (!this.started || this.disposed) {
      return;
    }
    this.deps.refresh(jitterWindow(session, this.deps.timing)).then(
      () => this.reschedule(),
      // Already logged, and a retry is planned by whoever ran the refresh.
      () => undefined,
    );
  }
}
