import type { Clock, Timer } from '../../src/util/clock';

interface Scheduled {
  id: number;
  at: number;
  callback: () => void;
  cancelled: boolean;
}

/** Lets every pending promise callback (and chains of them) run. */
export async function flushMicrotasks(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A clock whose time only moves when a test says so. */
export class FakeClock implements Clock {
  private time: number;
  private nextId = 1;
  private timers: Scheduled[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    const entry: Scheduled = { id: this.nextId++, at: this.time + Math.max(0, ms), callback, cancelled: false };
    this.timers.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Timers that have not fired or been cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward, firing due timers in order and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await flushMicrotasks();
    for (let fired = 0; ; fired++) {
      const next = this.nextDue(target);
      if (!next) {
        break;
      }
      if (fired >= 10_000) {
        throw new Error('FakeClock.advance: more than 10000 timers fired (a timer loop?)');
      }
      this.time = Math.max(this.time, next.at);
      next.cancelled = true;
      next.callback();
      await flushMicrotasks();
    }
    this.time = target;
    await flushMicrotasks();
  }

  /**
   * Advances timer by timer until `promise` settles; fails instead of hanging
   * when nothing is left to fire or `maxMs` of fake time has passed.
   */
  async run<T>(promise: Promise<T>, maxMs = 10 * 60_000): Promise<T> {
    let settled = false;
    const tracked = promise.finally(() => {
      settled = true;
    });
    tracked.catch(() => undefined);
    const deadline = this.time + maxMs;
    await flushMicrotasks();
    while (!settled) {
      const next = this.nextDue(deadline);
      if (!next) {
        throw new Error('FakeClock.run: the promise did not settle and no timer is due');
      }
      await this.advance(next.at - this.time);
    }
    return tracked;
  }

  private nextDue(limit: number): Scheduled | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: Scheduled | undefined;
    for (const t of this.timers) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.id < best.id))) {
        best = t;
      }
    }
    return best;
  }
}
