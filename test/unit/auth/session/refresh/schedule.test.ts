import * as assert from 'node:assert/strict';
import { sessionFromApiToken, type StoredSession } from '../../../../../src/auth/session/session';
import {
  DEFAULT_TIMING, isSettled, jitterWindow, needsRefresh, nextRefreshAt, retryDelay,
} from '../../../../../src/auth/session/refresh/schedule';
import { makeJwt } from '../../helpers';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

/** An SSO session signed in at T0: the access token lives `accessS` seconds, the refresh token `refreshS` (null: none). */
function sso(accessS = 300, refreshS: number | null = 1800, n = 1): StoredSession {
  const iat = T0 / 1000;
  const session: StoredSession = {
    id: 'modbox:user-1',
    kind: 'sso',
    accessToken: makeJwt({ sub: 'user-1', iat, exp: iat + accessS, jti: `a${n}` }),
    accessExpiresAt: T0 + accessS * 1000,
    account: { id: 'user-1', label: 'ada@example.com' },
    createdAt: T0,
  };
  if (refreshS !== null) {
    session.refreshToken = `rt-${n}`;
    session.refreshExpiresAt = T0 + refreshS * 1000;
  }
  return session;
}

const never = (): number => assert.fail('random() must not be used here');
const state = (now: number, extra: { retryAt?: number; lastTimerAt?: number; random?: () => number } = {}) => ({
  now,
  lastTimerAt: Number.NEGATIVE_INFINITY,
  random: () => 0,
  ...extra,
});

describe('auth/session/refresh schedule (pure)', () => {
  describe('needsRefresh', () => {
    it('is false for a fresh token and true once inside the 60 s margin', () => {
      const s = sso();
      assert.equal(needsRefresh(s, T0 + 239_999, MIN), false);
      assert.equal(needsRefresh(s, T0 + 240_000, MIN), true);
    });

    it('starts earlier by the head start a background refresh asks for', () => {
      assert.equal(needsRefresh(sso(), T0 + 220_000, MIN, 20_000), true);
      assert.equal(needsRefresh(sso(), T0 + 219_999, MIN, 20_000), false);
    });

    it('caps the margin at half the lifetime, so a 4 s token is not always due', () => {
      const s = sso(4, 30);
      assert.equal(needsRefresh(s, T0 + 1_000, MIN), false);
      assert.equal(needsRefresh(s, T0 + 2_000, MIN), true);
    });

    it('without a refresh token, is due only when the access token has expired', () => {
      const s = sso(300, null);
      assert.equal(needsRefresh(s, T0 + 299_999, MIN), false);
      assert.equal(needsRefresh(s, T0 + 300_000, MIN), true);
    });

    it('is due when the refresh token has expired, whatever the access token says', () => {
      const s = sso(3600, 100);
      assert.equal(needsRefresh(s, T0 + 100_000, MIN), true);
    });

    it('never for an API token session or one without a known expiry', () => {
      assert.equal(needsRefresh(sessionFromApiToken('mbx_ab12cd34ef56', undefined, T0), T0 + 10 * 365 * 86_400_000, MIN), false);
      assert.equal(needsRefresh({ ...sso(), accessExpiresAt: undefined }, T0 + 290_000, MIN), false);
    });
  });

  describe('nextRefreshAt', () => {
    it('plans the refresh a margin plus some jitter before expiry', () => {
      const s = sso();
      assert.equal(jitterWindow(s, DEFAULT_TIMING), 30_000);
      assert.equal(nextRefreshAt(s, state(T0, { random: () => 0 }), DEFAULT_TIMING), T0 + 240_000);
      assert.equal(nextRefreshAt(s, state(T0, { random: () => 0.5 }), DEFAULT_TIMING), T0 + 225_000);
    });

    it('keeps the jitter within half the margin for short lifetimes', () => {
      const s = sso(4, 30);
      assert.equal(jitterWindow(s, DEFAULT_TIMING), 1_000);
      assert.equal(nextRefreshAt(s, state(T0, { random: () => 0.5 }), DEFAULT_TIMING), T0 + 1_500);
    });

    it('plans nothing when signed out, for an API token, or without a known expiry', () => {
      assert.equal(nextRefreshAt(undefined, state(T0), DEFAULT_TIMING), undefined);
      assert.equal(nextRefreshAt(sessionFromApiToken('mbx_ab12cd34ef56', undefined, T0), state(T0), DEFAULT_TIMING), undefined);
      assert.equal(nextRefreshAt({ ...sso(300, null), accessExpiresAt: undefined }, state(T0), DEFAULT_TIMING), undefined);
      assert.equal(nextRefreshAt({ ...sso(), accessExpiresAt: undefined, refreshExpiresAt: undefined }, state(T0), DEFAULT_TIMING), undefined);
    });

    it('without a refresh token, wakes up when the access token expires (to end the session)', () => {
      assert.equal(nextRefreshAt(sso(300, null), state(T0, { random: never }), DEFAULT_TIMING), T0 + 300_000);
    });

    it('follows a planned retry instead of the expiry', () => {
      assert.equal(nextRefreshAt(sso(), state(T0 + 250_000, { retryAt: T0 + 270_000, random: never }), DEFAULT_TIMING), T0 + 270_000);
    });

    it('wakes up when the refresh token dies if that comes first', () => {
      assert.equal(nextRefreshAt(sso(300, 100), state(T0), DEFAULT_TIMING), T0 + 100_000);
      assert.equal(nextRefreshAt(sso(3600, 1800), state(T0 + 1_700_000, { retryAt: T0 + 1_900_000 }), DEFAULT_TIMING), T0 + 1_800_000);
    });

    it('is never in the past, and never within a second of the last run (no timer loop)', () => {
      const overdue = sso();
      assert.equal(nextRefreshAt(overdue, state(T0 + 400_000), DEFAULT_TIMING), T0 + 400_000);
      assert.equal(nextRefreshAt(overdue, state(T0 + 400_000, { lastTimerAt: T0 + 399_800 }), DEFAULT_TIMING), T0 + 400_800);
    });
  });

  describe('retryDelay', () => {
    const timing = { retryBaseMs: 2_000, retryMaxMs: 5 * MIN };

    it('backs off exponentially, jittered between half and all of the step', () => {
      assert.equal(retryDelay(1, undefined, () => 0, timing), 1_000);
      assert.equal(retryDelay(1, undefined, () => 0.999999, timing) < 2_000, true);
      assert.equal(retryDelay(2, undefined, () => 0, timing), 2_000);
      assert.equal(retryDelay(4, undefined, () => 0, timing), 8_000);
    });

    it('stops growing at the maximum, even after very many attempts', () => {
      assert.equal(retryDelay(9, undefined, () => 0, timing), 150_000);
      assert.equal(retryDelay(10_000, undefined, () => 0.5, timing), 225_000);
    });

    it("waits at least the server's Retry-After, but not beyond 10 minutes", () => {
      assert.equal(retryDelay(1, 120_000, () => 0, timing), 120_000);
      assert.equal(retryDelay(1, 3 * 3600_000, () => 0, timing), 10 * MIN);
      assert.equal(retryDelay(8, 1_000, () => 0, timing), 128_000, 'a short Retry-After does not undercut the backoff');
    });
  });

  describe('isSettled', () => {
    const spent = sso(300, 1800, 1);
    const theirs = { ...sso(300, 1800, 2), accessExpiresAt: T0 + 500_000 };

    it('accepts another window\'s fresh session instead of refreshing again', () => {
      assert.equal(isSettled(theirs, spent, undefined, T0 + 250_000, MIN), true);
    });

    it('rejects the token we were about to replace, the one the server rejected, or a stale one', () => {
      assert.equal(isSettled(spent, spent, undefined, T0 + 250_000, MIN), false);
      assert.equal(isSettled(theirs, spent, theirs.accessToken, T0 + 250_000, MIN), false);
      assert.equal(isSettled(theirs, spent, undefined, T0 + 460_000, MIN), false);
    });
  });
});
