import * as assert from 'node:assert/strict';
import { SecretRefreshLease } from '../../../../../src/auth/session/refreshLease';
import { TokenRefresher } from '../../../../../src/auth/session/refresh/tokenRefresher';
import type { StoredSession } from '../../../../../src/auth/session/session';
import { SessionStore, type SecretStorageLike } from '../../../../../src/auth/session/sessionStore';
import { CaptureLog } from '../../helpers';
import { World, noLease, API } from './world';

describe('auth/session/refresh coordinator: one refresh for all callers and windows', () => {
  let world: World;
  afterEach(() => world.dispose());

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
      store: new SessionStore(deaf, API, log, ''),
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
});
