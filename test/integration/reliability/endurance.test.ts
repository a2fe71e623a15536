// A minute of steady use with very short token lifetimes, for two accounts at
// once: three windows (the real extension and two more windows' backends per
// account over the same SecretStorage) keep
// calling the API while their refreshers rotate the tokens underneath.
import * as assert from 'assert';
import { isModboxError } from '../../../src/api/errors';
import type { Backend } from '../../../src/auth/backend';
import type { ModboxClient } from '../../../src/api/client';
import { sessionKey } from '../../../src/auth/session/sessionStore';
import { storeAccountSession } from '../../support/accountStorage';
import type { TestHooks } from '../../../src/extension';
import { configure, hooks, ScriptedSignInUi, signOutQuietly } from '../auth/helpers';
import { recordFigures } from '../figures';
import { control, eventually, resetEmulator } from '../views/helpers';
import { backendOver, describeError, mint, sleep, toSession } from './support';

const ACCESS_TTL_S = 2;
const REFRESH_TTL_S = 6;
const DURATION_MS = 60_000;
/** The refresher's defaults (src/auth/session/refresh/schedule.ts): margin 60 s and jitter 30 s, both capped by the lifetime. */
const MARGIN_MS = Math.min(60_000, (ACCESS_TTL_S * 1000) / 2);
const JITTER_MS = Math.min(30_000, MARGIN_MS / 2);
const LEASE_SETTLE_MS = 150;
const ACCOUNTS = 2;
const round1 = (n: number): number => Math.round(n * 10) / 10;

interface RequestRecord {
  method: string;
  path: string;
  status: number;
  ms: number;
}

describe('reliability: endurance (three windows, two accounts, 2 s access tokens, 60 s)', function () {
  this.timeout(DURATION_MS + 60_000);
  let h: TestHooks;
  let prompts: ScriptedSignInUi;
  const windows: Backend[] = [];
  let figures: Record<string, unknown> | undefined;
  let passed = false;

  before(async () => {
    h = await hooks();
  });

  after(() => {
    if (figures) {
      recordFigures('endurance', { complete: true, passed, ...figures });
    }
  });

  afterEach(async function () {
    passed = this.currentTest?.state === 'passed';
    windows.splice(0).forEach((w) => w.dispose());
    h.setUi(undefined);
    await signOutQuietly(h);
    await resetEmulator();
  });

  it('keeps every window signed in without a refused refresh, refreshing about as often as the margin rules say', async () => {
    await signOutQuietly(h);
    await resetEmulator();
    await configure({ accessTtlSeconds: ACCESS_TTL_S, refreshTtlSeconds: REFRESH_TTL_S });
    prompts = new ScriptedSignInUi();
    h.setUi(prompts);

    // Two accounts at once, each with its own tokens, refresh schedule and lease.
    const sessions = [toSession(await mint()), toSession(await mint('grace@example.com'))];
    for (const session of sessions) {
      await storeAccountSession(h.secrets, h.account.apiUrl, session);
    }
    await eventually(() => sessions.every((s) => h.account.accounts.some((a) => a.session?.accessToken === s.accessToken)), 10_000, 'the extension to hold both accounts');
    // Two more windows: per account their own store, refresher (running, as in a real window) and client.
    for (let i = 0; i < 2; i++) {
      for (const session of sessions) {
        const w = backendOver(session.account.id, h.secrets);
        w.refresher.start();
        windows.push(w);
      }
    }
    let expiries = 0;
    const subs = windows.map((w) => w.refresher.onExpired(() => void expiries++));
    await control('POST', '/stats/reset');
    const changes: number[] = [];
    const key = sessionKey(h.account.apiUrl, sessions[0].account.id);
    const rotations = h.secrets.onDidChange((e) => void (e.key === key && changes.push(Date.now())));

    const clients: [string, () => ModboxClient][] = sessions.flatMap((s, n) => [
      [`extension, account ${n + 1}`, () => h.account.client(s.account.id)],
      [`window 2, account ${n + 1}`, () => windows[n].client],
      [`window 3, account ${n + 1}`, () => windows[sessions.length + n].client],
    ] as [string, () => ModboxClient][]);
    const started = Date.now();
    const end = started + DURATION_MS;
    let calls = 0;
    const failures: string[] = [];
    await Promise.all(clients.map(async ([name, client]) => {
      // Bounded by time and by count.
      for (let i = 0; i < 1_000 && Date.now() < end; i++) {
        try {
          await client().listWorkspaces();
        } catch (err) {
          failures.push(`${name} after ${Date.now() - started} ms: ${isModboxError(err) ? err.kind : ''} ${describeError(err)}`);
        }
        calls++;
        await sleep(200 + Math.random() * 300);
      }
    }));
    const elapsedMs = Date.now() - started;
    subs.forEach((s) => s.dispose());

    const stats = (await control('GET', '/stats')) as { refreshCalls: number; refreshSuccess: number; refreshReuse: number; requests: RequestRecord[] };
    const refreshes = stats.requests.filter((r) => r.path === '/auth/refresh');
    const refused = refreshes.filter((r) => r.status === 401).length;
    const api401 = stats.requests.filter((r) => r.path === '/workspaces' && r.status === 401).length;
    const meanRefreshMs = refreshes.reduce((sum, r) => sum + r.ms, 0) / Math.max(1, refreshes.length);

    rotations.dispose();
    const gaps = changes.slice(1).map((t, i) => t - changes[i]);
    const gapText = gaps.length ? `${Math.min(...gaps)}/${Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length)}/${Math.max(...gaps)} ms` : 'none';

    // The rule: a token is renewed when it has `margin` left, i.e. every lifetime - margin. The jitter can
    // move a window's timer up to half the margin earlier, but each window's timer fires at most once a
    // second (MIN_TIMER_GAP_MS), which with a 1 s margin absorbs most of that head start.
    // Each account rotates on its own schedule: the figures are for both together.
    const expected = ACCOUNTS * elapsedMs / (ACCESS_TTL_S * 1000 - MARGIN_MS);
    // Bounds that do not depend on luck: never earlier than the largest head start (plus the lease's settle
    // time), never later than the margin plus the slowest caller's pause and the refresh itself.
    const shortest = ACCESS_TTL_S * 1000 - MARGIN_MS - JITTER_MS + LEASE_SETTLE_MS;
    const longest = ACCESS_TTL_S * 1000 - MARGIN_MS + 500 + LEASE_SETTLE_MS + meanRefreshMs;
    const low = ACCOUNTS * (Math.floor(elapsedMs / longest) - 1);
    const high = ACCOUNTS * (Math.ceil(elapsedMs / shortest) + 1);

    console.log(
      `endurance: ${calls} calls in ${(elapsedMs / 1000).toFixed(1)} s by 3 windows for ${ACCOUNTS} accounts at once, ${stats.refreshSuccess} refreshes ` +
      `(expected ~${expected.toFixed(1)}${Math.abs(stats.refreshSuccess - expected) <= 1 ? ', within one' : ''}, bounds ${low}-${high}; ` +
      `gap between rotations min/mean/max ${gapText}; refresh call ${meanRefreshMs.toFixed(0)} ms), ` +
      `${refused} refused refreshes, ${stats.refreshReuse} reused refresh tokens, ${api401} API 401s retried invisibly, ` +
      `${failures.length} user-visible failures, ${prompts.warnings.length + expiries} expiry prompts`,
    );
    figures = {
      windows: 3, accounts: ACCOUNTS, accessTtlSeconds: ACCESS_TTL_S, refreshTtlSeconds: REFRESH_TTL_S, seconds: round1(elapsedMs / 1000), calls,
      refreshes: stats.refreshSuccess, expectedRefreshes: round1(expected), refreshBounds: [low, high], refusedRefreshes: refused,
      reusedRefreshTokens: stats.refreshReuse, api401sRetriedInvisibly: api401, userVisibleFailures: failures.length,
      expiryPrompts: prompts.warnings.length + expiries,
    };
    assert.deepStrictEqual(failures, [], 'calls failed');
    assert.deepStrictEqual(prompts.warnings, [], 'the user was told the session expired');
    assert.strictEqual(expiries, 0, 'a window lost the session');
    assert.strictEqual(stats.refreshReuse, 0, 'a spent refresh token was presented');
    assert.strictEqual(refused, 0, 'a refresh was refused');
    assert.ok(h.account.session, 'the extension is signed out');
    assert.strictEqual(h.account.sessions().length, ACCOUNTS, 'an account was signed out');
    assert.ok(calls >= 3 * ACCOUNTS * (DURATION_MS / 600), `too few calls: ${calls}`);
    assert.ok(stats.refreshSuccess >= low && stats.refreshSuccess <= high,
      `${stats.refreshSuccess} refreshes, outside ${low}-${high}`);
  });
});
