import * as assert from 'node:assert/strict';
import { SecretRefreshLease, noLease, type RefreshLeaseLike } from '../../../src/auth/refreshLease';
import { TokenRefresher, type TokenRefresherOptions } from '../../../src/auth/refresher';
import { sessionFromApiToken, sessionFromTokens, type StoredSession } from '../../../src/auth/session';
import { SessionStore, type SecretStorageLike } from '../../../src/auth/sessionStore';
import { FakeClock } from '../fakeClock';
import { CaptureLog, FakeAuthServer, type FakeServerOptions } from './helpers';
import { MemorySecretStorage } from './memorySecretStorage';

const API = 'https://api.modbox.run';

interface Window {
  name: string;
  store: SessionStore;
  refresher: TokenRefresher;
  log: CaptureLog;
  expired: StoredSession[];
  refreshed: StoredSession[];
}

class World {
  readonly clock = new FakeClock();
  readonly secrets = new MemorySecretStorage();
  readonly server: FakeAuthServer;
  readonly windows: Window[] = [];

  constructor(server: FakeServerOptions = {}) {
    this.server = new FakeAuthServer(this.clock, server);
  }

  openWindow(name: string, options: Partial<TokenRefresherOptions> & { useLease?: boolean } = {}): Window {
    const log = new CaptureLog();
    const store = new SessionStore(this.secrets, API, log);
    const lease: RefreshLeaseLike =
      options.useLease === false
        ? noLease
        : new SecretRefreshLease({ secrets: this.secrets, apiUrl: API, clock: this.clock, log, owner: name, settleMs: 100, ttlMs: 10_000 });
    const refresher = new TokenRefresher({
      store,
      refresh: this.server.refresh,
      clock: this.clock,
      log,
      random: () => 0.5,
      lease,
      ...options,
    });
    const win: Window = { name, store, refresher, log, expired: [], refreshed: [] };
    refresher.onExpired((s) => win.expired.push(s));
    refresher.onRefreshed((s) => win.refreshed.push(s));
    this.windows.push(win);
    return win;
  }

  async signIn(): Promise<StoredSession> {
    const session = sessionFromTokens(this.server.signIn(), 'github', this.clock.now());
    await this.windows[0].store.write(session);
    await this.clock.advance(0);
    return session;
  }

  stored(): Promise<StoredSession | undefined> {
    return new SessionStore(this.secrets, API, new CaptureLog()).read();
  }

  dispose(): void {
    for (const w of this.windows) w.refresher.dispose();
  }
}

describe('auth/refresher TokenRefresher', () => {
  let world: World;
  afterEach(() => world.dispose());

  it('returns a fresh session without calling the server', async () => {
    world = new World();
    const a = world.openWindow('A');
    const signedIn = await world.signIn();
    const got = await world.clock.run(a.refresher.freshSession());
    assert.equal(got?.accessToken, signedIn.accessToken);
    assert.equal(world.server.log.length, 0);
  });

  it('returns undefined when signed out, and an API token session as it is', async () => {
    world = new World();
    const a = world.openWindow('A');
    assert.equal(await world.clock.run(a.refresher.freshSession()), undefined);
    const api = sessionFromApiToken('mbx_ab12cd34ef56', undefined, world.clock.now());
    await a.store.write(api);
    await world.clock.advance(365 * 24 * 3600_000);
    assert.deepEqual(await world.clock.run(a.refresher.freshSession()), api);
    assert.equal(world.server.log.length, 0);
  });

  it('20 concurrent callers near expiry cause exactly one refresh and all get its result', async () => {
    world = new World();
    const a = world.openWindow('A');
    const old = await world.signIn();
    await world.clock.advance(250_000); // 50 s left, inside the 60 s margin
    const calls = Array.from({ length: 20 }, () => a.refresher.freshSession());
    const results = await world.clock.run(Promise.all(calls));
    assert.equal(world.server.log.length, 1);
    assert.equal(world.server.okCount, 1);
    const tokens = new Set(results.map((r) => r?.accessToken));
    assert.equal(tokens.size, 1);
    assert.notEqual(results[0]?.accessToken, old.accessToken);
    assert.equal((await world.stored())?.accessToken, results[0]?.accessToken);
    assert.equal(a.refreshed.length, 1);
  });

  it('uses a session another window already refreshed, without spending the refresh token', async () => {
    world = new World();
    const a = world.openWindow('A');
    const old = await world.signIn();
    assert.equal((await world.clock.run(a.refresher.freshSession()))?.accessToken, old.accessToken);
    await world.clock.advance(250_000);
    // Window B refreshes on its own and writes the result.
    const b = world.openWindow('B');
    const fromB = await world.clock.run(b.refresher.freshSession());
    assert.equal(world.server.okCount, 1);
    const fromA = await world.clock.run(a.refresher.freshSession());
    assert.equal(fromA?.accessToken, fromB?.accessToken);
    assert.equal(world.server.log.length, 1, 'A did not call the server');
  });

  it('two windows interleaving refreshes never present a spent refresh token and agree on the session', async () => {
    world = new World({ latencyMs: 80 });
    const a = world.openWindow('A');
    const b = world.openWindow('B');
    await world.signIn();
    const offsets = [0, 10, 50, 90, 130, 200];
    for (let cycle = 0; cycle < offsets.length; cycle++) {
      await world.clock.advance(260_000);
      const first = cycle % 2 === 0 ? a : b;
      const second = first === a ? b : a;
      const p1 = first.refresher.freshSession();
      await world.clock.advance(offsets[cycle]);
      const p2 = second.refresher.freshSession();
      const [r1, r2] = await world.clock.run(Promise.all([p1, p2]));
      assert.ok(r1 && r2, `cycle ${cycle}: both windows have a session`);
      assert.equal(r1.accessToken, r2.accessToken, `cycle ${cycle}: same session in both windows`);
      assert.equal((await world.stored())?.accessToken, r1.accessToken);
      assert.ok(world.clock.now() < (r1.accessExpiresAt ?? 0) - 60_000, 'the session is fresh');
    }
    const bad = world.server.log.filter((e) => e.outcome !== 'ok');
    assert.deepEqual(bad, [], 'no spent or unknown refresh token was ever presented');
    assert.equal(world.server.okCount, offsets.length, 'one refresh per cycle, not one per window');
    assert.equal(a.expired.length + b.expired.length, 0);
  });

  it('background refreshes in two started windows keep the session alive without reusing tokens', async () => {
    world = new World({ latencyMs: 40 });
    let seed = 1;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const a = world.openWindow('A', { random });
    const b = world.openWindow('B', { random });
    await world.signIn();
    a.refresher.start();
    b.refresher.start();
    // Ten access token lifetimes; the 1800 s refresh token would have died without refreshes.
    for (let i = 0; i < 30; i++) {
      await world.clock.advance(100_000);
    }
    const stored = await world.stored();
    assert.ok(stored, 'still signed in after 50 minutes');
    assert.ok(world.clock.now() < (stored.accessExpiresAt ?? 0));
    assert.deepEqual(world.server.log.filter((e) => e.outcome !== 'ok'), []);
    const okCount = world.server.okCount;
    assert.ok(okCount >= 10 && okCount <= 13, `about one refresh per lifetime, got ${okCount}`);
    assert.equal(a.expired.length + b.expired.length, 0);
  });

  it('a refused refresh clears the session and fires onExpired exactly once', async () => {
    world = new World();
    const a = world.openWindow('A');
    await world.signIn();
    world.server.revokeAll();
    await world.clock.advance(300_000);
    const results = await world.clock.run(Promise.all(Array.from({ length: 5 }, () => a.refresher.freshSession())));
    assert.deepEqual(results, [undefined, undefined, undefined, undefined, undefined]);
    assert.equal(world.server.log.length, 1);
    assert.equal(await world.stored(), undefined);
    assert.equal(a.expired.length, 1);
    assert.equal(await world.clock.run(a.refresher.freshSession()), undefined);
    assert.equal(a.expired.length, 1);
  });

  it('an expired refresh token ends the session without calling the server', async () => {
    world = new World();
    const a = world.openWindow('A');
    await world.signIn();
    await world.clock.advance(1_800_000);
    assert.equal(await world.clock.run(a.refresher.freshSession()), undefined);
    assert.equal(world.server.log.length, 0);
    assert.equal(await world.stored(), undefined);
    assert.equal(a.expired.length, 1);
  });

  it('a refusal after another window rotated the token uses that window\'s session', async () => {
    world = new World();
    const a = world.openWindow('A', { useLease: false });
    await world.signIn();
    await world.clock.advance(250_000);
    let winner: StoredSession | undefined;
    // Simulates losing the race: by the time our call is refused, the other window has written.
    const racing = new TokenRefresher({
      store: a.store,
      clock: world.clock,
      log: a.log,
      lease: noLease,
      refresh: async (rt) => {
        const tokens = await world.server.refresh(rt);
        const current = await world.stored();
        winner = { ...current!, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, accessExpiresAt: world.clock.now() + 300_000 };
        await a.store.write(winner);
        return world.server.refresh(rt);
      },
    });
    let expired = 0;
    racing.onExpired(() => expired++);
    const got = await world.clock.run(racing.freshSession());
    racing.dispose();
    assert.equal(got?.accessToken, winner?.accessToken);
    assert.equal(expired, 0);
    assert.equal((await world.stored())?.accessToken, winner?.accessToken);
  });

  it('a transient failure keeps the session: a still-valid token is returned, an expired one gives the error', async () => {
    world = new World();
    const a = world.openWindow('A');
    const old = await world.signIn();
    await world.clock.advance(250_000);
    world.server.failures.push({ kind: 'network', message: 'offline' });
    const got = await world.clock.run(a.refresher.freshSession());
    assert.equal(got?.accessToken, old.accessToken, 'the old token still has 50 s');
    await world.clock.advance(60_000);
    world.server.failures.push({ kind: 'server' });
    await assert.rejects(world.clock.run(a.refresher.freshSession()), (err: { kind?: string }) => err.kind === 'server');
    assert.equal((await world.stored())?.accessToken, old.accessToken, 'the session is kept');
    assert.equal(a.expired.length, 0);
    const recovered = await world.clock.run(a.refresher.freshSession());
    assert.notEqual(recovered?.accessToken, old.accessToken);
    assert.deepEqual(world.server.log.map((e) => e.outcome), ['transient', 'transient', 'ok']);
  });

  it('retries in the background with backoff after a transient failure, honouring Retry-After', async () => {
    world = new World();
    const a = world.openWindow('A');
    await world.signIn();
    a.refresher.start();
    world.server.failures.push({ kind: 'rateLimited', retryAfterMs: 120_000 }, { kind: 'network' });
    await world.clock.advance(300_000 - 60_000 - 15_000 + 1_000); // past the proactive refresh time
    assert.deepEqual(world.server.log.map((e) => e.outcome), ['transient']);
    const firstAt = world.server.log[0].at;
    await world.clock.advance(119_000 - (world.clock.now() - firstAt));
    assert.equal(world.server.log.length, 1, 'nothing before Retry-After has passed');
    await world.clock.advance(2_000);
    assert.equal(world.server.log.length, 2);
    await world.clock.advance(10_000);
    assert.deepEqual(world.server.log.map((e) => e.outcome), ['transient', 'transient', 'ok']);
    assert.ok(world.server.log[2].at - world.server.log[1].at >= 1_000, 'the retry waited');
    assert.equal(a.expired.length, 0);
    assert.equal(a.refreshed.length, 1);
  });

  it('works with a server that does not rotate refresh tokens', async () => {
    world = new World({ rotate: false });
    const a = world.openWindow('A');
    const first = await world.signIn();
    const tokens = new Set<string>();
    for (let i = 0; i < 3; i++) {
      await world.clock.advance(260_000);
      const s = await world.clock.run(a.refresher.freshSession());
      assert.equal(s?.refreshToken, first.refreshToken);
      tokens.add(s!.accessToken);
    }
    assert.equal(tokens.size, 3);
    assert.deepEqual(world.server.log.map((e) => e.outcome), ['ok', 'ok', 'ok']);
  });

  it('keeps short test lifetimes working: the margin is at most half the lifetime', async () => {
    world = new World({ accessTtlS: 4, refreshTtlS: 30 });
    const a = world.openWindow('A');
    const first = await world.signIn();
    await world.clock.advance(1_000);
    assert.equal((await world.clock.run(a.refresher.freshSession()))?.accessToken, first.accessToken);
    await world.clock.advance(1_500);
    assert.notEqual((await world.clock.run(a.refresher.freshSession()))?.accessToken, first.accessToken);
    assert.equal(world.server.okCount, 1);
  });

  it('proactively refreshes before expiry once started, and stops when disposed', async () => {
    world = new World();
    const a = world.openWindow('A');
    const first = await world.signIn();
    a.refresher.start();
    await world.clock.advance(200_000);
    assert.equal(world.server.log.length, 0);
    await world.clock.advance(50_000);
    assert.equal(world.server.okCount, 1);
    const stored = await world.stored();
    assert.notEqual(stored?.accessToken, first.accessToken);
    assert.equal(a.refreshed.length, 1);
    a.refresher.dispose();
    await world.clock.advance(3_600_000);
    assert.equal(world.server.log.length, 1);
  });

  it('reschedules when another window changes the session', async () => {
    world = new World();
    const a = world.openWindow('A');
    const b = world.openWindow('B');
    await world.signIn();
    a.refresher.start();
    await world.clock.advance(200_000); // A's timer is due at 225 s
    // B refreshes early (user action); A's timer must follow the new expiry, not the old one.
    const fromB = await world.clock.run(b.refresher.forceRefresh((await world.stored())!.accessToken));
    assert.equal(world.server.okCount, 1);
    await world.clock.advance(100_000);
    assert.equal(world.server.okCount, 1, 'A did not refresh the session B just renewed');
    await world.clock.advance(150_000);
    assert.equal(world.server.okCount, 2);
    assert.notEqual((await world.stored())?.accessToken, fromB?.accessToken);
    assert.deepEqual(world.server.log.filter((e) => e.outcome !== 'ok'), []);
  });

  it('forceRefresh renews a rejected token once, and not again for a caller holding the old one', async () => {
    world = new World();
    const a = world.openWindow('A');
    const first = await world.signIn();
    const [x, y] = await world.clock.run(
      Promise.all([a.refresher.forceRefresh(first.accessToken), a.refresher.forceRefresh(first.accessToken)]),
    );
    assert.equal(world.server.okCount, 1);
    assert.equal(x?.accessToken, y?.accessToken);
    const z = await world.clock.run(a.refresher.forceRefresh(first.accessToken));
    assert.equal(z?.accessToken, x?.accessToken);
    assert.equal(world.server.okCount, 1);
  });

  it('waits for another window holding the lease instead of spending the token itself', async () => {
    world = new World({ latencyMs: 500 });
    const a = world.openWindow('A');
    const b = world.openWindow('B');
    await world.signIn();
    await world.clock.advance(250_000);
    const fromA = a.refresher.freshSession();
    await world.clock.advance(300); // A holds the lease and is waiting for the server
    const fromB = b.refresher.freshSession();
    const [ra, rb] = await world.clock.run(Promise.all([fromA, fromB]));
    assert.equal(ra?.accessToken, rb?.accessToken);
    assert.equal(world.server.log.length, 1);
  });

  it('re-reads the store before spending, even when the change event from the other window is late', async () => {
    world = new World();
    const a = world.openWindow('A');
    await world.signIn();
    // Window C shares the secrets but its change events never arrive.
    const deaf: SecretStorageLike = {
      get: (k) => world.secrets.get(k),
      store: (k, v) => world.secrets.store(k, v),
      delete: (k) => world.secrets.delete(k),
      onDidChange: () => ({ dispose: () => undefined }),
    };
    const log = new CaptureLog();
    const c = new TokenRefresher({
      store: new SessionStore(deaf, API, log),
      refresh: world.server.refresh,
      clock: world.clock,
      log,
      lease: new SecretRefreshLease({ secrets: deaf, apiUrl: API, clock: world.clock, log, owner: 'C', settleMs: 100 }),
    });
    await world.clock.run(c.freshSession()); // caches the signed-in session
    await world.clock.advance(250_000);
    const fromA = await world.clock.run(a.refresher.freshSession());
    assert.equal(world.server.okCount, 1);
    const fromC = await world.clock.run(c.freshSession());
    c.dispose();
    assert.equal(fromC?.accessToken, fromA?.accessToken);
    assert.equal(world.server.log.length, 1, 'C did not present the spent refresh token');
  });

  it('waits for a lease left by a crashed window to lapse, then refreshes', async () => {
    world = new World();
    const a = world.openWindow('A');
    await world.signIn();
    await world.clock.advance(250_000);
    const leaseKey = new SecretRefreshLease({ secrets: world.secrets, apiUrl: API, clock: world.clock, log: a.log }).key;
    world.secrets.values.set(leaseKey, JSON.stringify({ owner: 'crashed', until: world.clock.now() + 8_000 }));
    const started = world.clock.now();
    const got = await world.clock.run(a.refresher.freshSession());
    assert.ok(got && world.clock.now() < (got.accessExpiresAt ?? 0) - 60_000);
    assert.equal(world.server.okCount, 1);
    assert.ok(world.clock.now() - started >= 8_000, 'it waited for the lease');
    assert.ok(world.clock.now() - started < 20_000, 'but not much longer');
  });

  it('a started session without a refresh token is used until it expires, then ends once (no timer loop)', async () => {
    world = new World();
    const a = world.openWindow('A');
    const tokens = world.server.signIn();
    const session = sessionFromTokens({ accessToken: tokens.accessToken, expiresIn: 300 }, 'github', world.clock.now());
    await a.store.write(session);
    a.refresher.start();
    await world.clock.advance(290_000);
    assert.equal((await world.clock.run(a.refresher.freshSession()))?.accessToken, session.accessToken);
    assert.equal(a.expired.length, 0);
    await world.clock.advance(20_000);
    assert.equal(await world.stored(), undefined);
    assert.equal(a.expired.length, 1);
    assert.equal(world.server.log.length, 0);
    assert.equal(world.clock.pendingTimers, 0);
  });

  it('a started session whose refresh token dies first ends when it dies, without a server call', async () => {
    world = new World();
    const a = world.openWindow('A');
    const tokens = world.server.signIn();
    const session = sessionFromTokens({ ...tokens, expiresIn: 300, refreshExpiresIn: 100 }, 'github', world.clock.now());
    await a.store.write(session);
    a.refresher.start();
    await world.clock.advance(99_000);
    assert.equal(a.expired.length, 0);
    await world.clock.advance(2_000);
    assert.equal(a.expired.length, 1);
    assert.equal(await world.stored(), undefined);
    assert.equal(world.server.log.length, 0);
  });

  it('never logs tokens', async () => {
    world = new World();
    const a = world.openWindow('A');
    const first = await world.signIn();
    await world.clock.advance(250_000);
    const next = await world.clock.run(a.refresher.freshSession());
    world.server.revokeAll();
    await world.clock.advance(300_000);
    await world.clock.run(a.refresher.freshSession());
    for (const secret of [first.accessToken, first.refreshToken!, next!.accessToken, next!.refreshToken!]) {
      assert.ok(!a.log.text.includes(secret));
    }
    assert.ok(a.log.lines.length > 0);
  });
});
