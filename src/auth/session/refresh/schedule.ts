import { decodeClaims } from '../jwt';
import type { StoredSession } from '../session';

/** How early to refresh and how to back off; every decision below follows from these numbers. */
export interface RefreshTiming {
  /** Refresh when the access token has less than this left (capped at half its lifetime). */
  marginMs: number;
  /** Largest random head start of the background refresh (capped at half the margin). */
  jitterMs: number;
  /** Background retry after a transient failure: exponential from `retryBaseMs`, at most `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_TIMING: RefreshTiming = {
  marginMs: 60_000,
  jitterMs: 30_000,
  retryBaseMs: 2_000,
  retryMaxMs: 5 * 60_000,
};

/** A server asking for more than this is not obeyed to the letter: the session would die first. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;
/** Whatever goes wrong, the background timer never fires more than once a second. */
const MIN_TIMER_GAP_MS = 1_000;

/** The configured margin, but never more than half the token's lifetime (short TTLs in tests). */
function refreshMargin(session: StoredSession, marginMs: number): number {
  const claims = decodeClaims(session.accessToken);
  if (claims?.exp !== undefined && claims.iat !== undefined && claims.exp > claims.iat) {
    return Math.min(marginMs, ((claims.exp - claims.iat) * 1000) / 2);
  }
  return marginMs;
}

/** How far ahead of the margin a background refresh may start, so windows rarely collide. */
export function jitterWindow(session: StoredSession, timing: Pick<RefreshTiming, 'marginMs' | 'jitterMs'>): number {
  return Math.min(timing.jitterMs, refreshMargin(session, timing.marginMs) / 2);
}

/** Time to act at `now`: the access token is (nearly) used up, or the refresh token has expired. */
export function needsRefresh(session: StoredSession, now: number, marginMs: number, headStartMs = 0): boolean {
  if (session.kind !== 'sso') {
    return false;
  }
  if (session.refreshExpiresAt !== undefined && now >= session.refreshExpiresAt) {
    return true;
  }
  if (session.accessExpiresAt === undefined) {
    return false;
  }
  if (!session.refreshToken) {
    return now >= session.accessExpiresAt;
  }
  return now >= session.accessExpiresAt - refreshMargin(session, marginMs) - headStartMs;
}

/**
 * True when `latest` is a result we can hand out instead of refreshing
 * `spent`: a different access token that is not the rejected one, and fresh.
 */
export function isSettled(
  latest: StoredSession,
  spent: StoredSession,
  rejectedAccessToken: string | undefined,
  now: number,
  marginMs: number,
): boolean {
  if (latest.accessToken === spent.accessToken || latest.accessToken === rejectedAccessToken) {
    return false;
  }
  return !needsRefresh(latest, now, marginMs);
}

/**
 * How long to wait before background retry number `attempt` (1-based):
 * exponential with jitter, but never sooner than the server's Retry-After.
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
  timing: Pick<RefreshTiming, 'retryBaseMs' | 'retryMaxMs'>,
): number {
  const exponential = Math.min(timing.retryMaxMs, timing.retryBaseMs * 2 ** Math.min(attempt - 1, 20));
  let delay = exponential / 2 + random() * (exponential / 2);
  if (retryAfterMs !== undefined) {
    delay = Math.max(delay, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
  }
  return delay;
}

export interface ScheduleState {
  now: number;
  /** When a planned retry is due, after a transient failure. */
  retryAt?: number;
  /** When the background timer last fired. */
  lastTimerAt: number;
  /** In [0, 1); called only when the jitter is used. */
  random: () => number;
}

/**
 * When the background refresh should next run for `session`, or undefined
 * when nothing needs to happen (signed out, an API token, no expiry known).
 * Never before `now`, and never within a second of the last run.
 */
export function nextRefreshAt(
  session: StoredSession | undefined,
  state: ScheduleState,
  timing: Pick<RefreshTiming, 'marginMs' | 'jitterMs'>,
): number | undefined {
  if (!session || session.kind !== 'sso') {
    return undefined;
  }
  let at: number;
  if (!session.refreshToken) {
    // Nothing to renew it with: only notice when it is gone.
    if (session.accessExpiresAt === undefined) {
      return undefined;
    }
    at = session.accessExpiresAt;
  } else if (state.retryAt !== undefined) {
    at = state.retryAt;
  } else if (session.accessExpiresAt !== undefined) {
    at = session.accessExpiresAt - refreshMargin(session, timing.marginMs) - state.random() * jitterWindow(session, timing);
  } else {
    return undefined;
  }
  if (session.refreshExpiresAt !== undefined) {
    // Notice an expired refresh token when it expires, not at the next retry.
    at = Math.min(at, session.refreshExpiresAt);
  }
  return Math.max(state.now, at, state.lastTimerAt + MIN_TIMER_GAP_MS);
}
