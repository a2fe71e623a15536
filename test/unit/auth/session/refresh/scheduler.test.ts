import * as assert from 'node:assert/strict';
import { sessionFromTokens } from '../../../../../src/auth/session/session';
import { World } from './world';

describe('auth/session/refresh scheduler: background refresh and retries', () => {
  let world: World;
  afterEach(() => world.dispose());

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
});
