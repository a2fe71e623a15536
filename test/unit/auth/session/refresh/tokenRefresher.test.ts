import * as assert from 'node:assert/strict';
import { sessionFromApiToken } from '../../../../../src/auth/session/session';
import { World } from './world';

describe('auth/session/refresh TokenRefresher', () => {
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
});
