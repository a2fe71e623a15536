import * as assert from 'node:assert/strict';
import { systemClock } from '../../../src/util/clock';

describe('util/clock systemClock', () => {
  it('tells the wall-clock time', () => {
    const before = Date.now();
    const now = systemClock.now();
    assert.ok(now >= before && now <= Date.now());
  });

  it('runs a timer once, and never one that was cancelled', async () => {
    const fired: string[] = [];
    const cancelled = systemClock.setTimeout(() => fired.push('cancelled'), 0);
    cancelled.cancel();
    // A later timer firing proves the cancelled one had its chance and did not run.
    await new Promise<void>((resolve) => systemClock.setTimeout(() => {
      fired.push('kept');
      resolve();
    }, 1));
    assert.deepEqual(fired, ['kept']);
  });
});
