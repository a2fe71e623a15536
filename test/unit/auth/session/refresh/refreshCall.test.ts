import * as assert from 'node:assert/strict';
import { World } from './world';

describe('auth/session/refresh refresh call: spending, refusal, expiry', () => {
  let world: World;
  afterEach(() => world.dispose());

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
