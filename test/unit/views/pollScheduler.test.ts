import * as assert from 'node:assert/strict';
import { PollScheduler } from '../../../src/views/pollScheduler';
import { FakeClock, flushMicrotasks } from '../../support/fakeClock';

describe('poll scheduler', () => {
  function setup(tick?: () => Promise<void>) {
    const clock = new FakeClock();
    const start = clock.now();
    const ticks: number[] = [];
    const poller = new PollScheduler(clock, async () => {
      ticks.push(clock.now() - start);
      await tick?.();
    });
    return { clock, start, ticks, poller };
  }

  it('backs off 2, 4, 8, 16, then 30 s at most while active', async () => {
    const { clock, ticks, poller } = setup();
    poller.setActive(true);
    await clock.advance(2000 + 4000 + 8000 + 16000 + 30000 + 30000);
    assert.deepEqual(ticks, [2000, 6000, 14000, 30000, 60000, 90000]);
  });

  it('makes no call and keeps no timer while inactive; becoming active again starts over at 2 s', async () => {
    const { clock, ticks, poller } = setup();
    poller.setActive(true);
    await clock.advance(6000);
    assert.deepEqual(ticks, [2000, 6000]);
    poller.setActive(false);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(poller.scheduled, false);
    await clock.advance(120_000);
    assert.deepEqual(ticks, [2000, 6000], 'polled while inactive');
    poller.setActive(true);
    await clock.advance(2000);
    assert.deepEqual(ticks, [2000, 6000, 128_000]);
  });

  it('stops when a tick makes it inactive (nothing provisioning any more)', async () => {
    const holder: { poller?: PollScheduler } = {};
    const ctx = setup(async () => holder.poller?.setActive(false));
    const poller = ctx.poller;
    holder.poller = poller;
    poller.setActive(true);
    await ctx.clock.advance(2000);
    assert.deepEqual(ctx.ticks, [2000]);
    assert.equal(poller.scheduled, false);
    assert.equal(ctx.clock.pendingTimers, 0);
  });

  it('never overlaps ticks: the next wait starts when a slow tick ends', async () => {
    const { clock, ticks, poller } = setup(() => new Promise<void>((resolve) => clock.setTimeout(resolve, 10_000)));
    poller.setActive(true);
    await clock.advance(2000);
    // Toggling while the tick runs schedules nothing extra.
    poller.setActive(false);
    poller.setActive(true);
    assert.equal(poller.scheduled, false);
    await clock.advance(10_000);
    await flushMicrotasks();
    assert.equal(poller.scheduled, true);
    await clock.advance(60_000);
    assert.equal(ticks[0], 2000);
    assert.ok(ticks[1] >= 12_000 + 2000, `second tick too early: ${ticks[1]}`);
  });

  it('keeps polling after a failed tick, and stops for good when disposed', async () => {
    const { clock, ticks, poller } = setup(async () => {
      throw new Error('offline');
    });
    poller.setActive(true);
    await clock.advance(6000);
    assert.equal(ticks.length, 2);
    poller.dispose();
    poller.setActive(true);
    await clock.advance(60_000);
    assert.equal(ticks.length, 2);
    assert.equal(clock.pendingTimers, 0);
  });
});
