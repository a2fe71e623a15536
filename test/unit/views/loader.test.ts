import * as assert from 'node:assert/strict';
import type { Clock } from '../../../src/util/clock';
import { Loader, type LoadState } from '../../../src/views/loader';

class FakeClock implements Clock {
  private timers: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
  time = 0;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number) {
    const timer = { at: this.time + ms, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((t) => !t.cancelled && t.at <= this.time);
    this.timers = this.timers.filter((t) => !due.includes(t));
    due.forEach((t) => t.fn());
  }
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const rateLimited = Object.assign(new Error('busy'), { kind: 'rateLimited', retryAfterMs: 5000 });
const tick = () => new Promise((r) => setImmediate(r));

function make(clock = new FakeClock(), maxAutomaticRetries = 2) {
  const seen: string[] = [];
  const loader: Loader<string[]> = new Loader<string[]>({
    clock,
    maxAutomaticRetries,
    retryDelay: (e) => (e as { retryAfterMs?: number }).retryAfterMs,
    onDidChange: () => seen.push(loader.state.kind),
  });
  return { loader, seen, clock };
}

describe('Loader', () => {
  it('goes loading -> loaded', async () => {
    const { loader, seen } = make();
    await loader.load(async () => ['a']);
    assert.deepEqual(seen, ['loading', 'loaded']);
    assert.deepEqual(loader.value, ['a']);
  });

  it('keeps the previous value on screen while reloading the same account', async () => {
    const { loader } = make();
    await loader.load(async () => ['a']);
    const next = deferred<string[]>();
    const done = loader.load(() => next.promise);
    assert.deepEqual(loader.state, { kind: 'loading', value: ['a'] });
    next.resolve(['b']);
    await done;
    assert.deepEqual(loader.value, ['b']);
  });

  it('drops results of a load started before clear() (another account)', async () => {
    const { loader } = make();
    const old = deferred<string[]>();
    const done = loader.load(() => old.promise);
    loader.clear('stale');
    old.resolve(['previous account']);
    await done;
    assert.deepEqual(loader.state, { kind: 'stale' });
    assert.equal(loader.value, undefined);
  });

  for (const order of ['newest first', 'oldest first'] as const) {
    it(`lets the newest of two overlapping loads win when they finish ${order}`, async () => {
      const { loader } = make();
      const first = deferred<string[]>();
      const second = deferred<string[]>();
      const p1 = loader.load(() => first.promise);
      const p2 = loader.load(() => second.promise);
      if (order === 'newest first') {
        second.resolve(['new']);
        await p2;
        first.resolve(['old']);
        await p1;
      } else {
        first.resolve(['old']);
        await p1;
        // The older answer is never shown, not even for a moment.
        assert.notDeepEqual(loader.value, ['old']);
        second.resolve(['new']);
        await p2;
      }
      assert.deepEqual(loader.state, { kind: 'loaded', value: ['new'] });
    });
  }

  it('turns a failure into a failed state and never rejects', async () => {
    const { loader } = make();
    await loader.load(async () => { throw new Error('boom'); });
    const state = loader.state as Extract<LoadState<string[]>, { kind: 'failed' }>;
    assert.equal(state.kind, 'failed');
    assert.equal((state.error as Error).message, 'boom');
  });

  it('waits out a rate limit, showing the wait, then retries', async () => {
    const { loader, clock } = make();
    let calls = 0;
    const done = loader.load(async () => {
      calls++;
      if (calls === 1) {
        throw rateLimited;
      }
      return ['ok'];
    });
    await tick();
    assert.deepEqual(loader.state, { kind: 'waiting', value: undefined, retryInMs: 5000 });
    assert.equal(calls, 1);
    clock.advance(4999);
    await tick();
    assert.equal(calls, 1);
    clock.advance(1);
    await done;
    assert.equal(calls, 2);
    assert.deepEqual(loader.value, ['ok']);
  });

  it('gives up after the bounded number of automatic retries', async () => {
    const { loader, clock } = make(new FakeClock(), 2);
    let calls = 0;
    const done = loader.load(async () => { calls++; throw rateLimited; });
    for (let i = 0; i < 5; i++) {
      await tick();
      clock.advance(5000);
    }
    await done;
    assert.equal(calls, 3);
    assert.equal(loader.state.kind, 'failed');
  });

  it('cancels a pending rate-limit wait on clear, and the load settles', async () => {
    const { loader, clock } = make();
    let calls = 0;
    const done = loader.load(async () => { calls++; throw rateLimited; });
    await tick();
    assert.equal(clock.pendingTimers, 1);
    loader.clear();
    await done;
    assert.equal(clock.pendingTimers, 0);
    assert.equal(calls, 1);
    assert.equal(loader.state.kind, 'empty');
  });

  it('update() edits loaded data in place without a request', async () => {
    const { loader } = make();
    await loader.load(async () => ['a', 'b']);
    loader.update((v) => v.filter((x) => x !== 'a'));
    assert.deepEqual(loader.value, ['b']);
  });
});
