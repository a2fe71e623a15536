import type { Clock, Timer } from '../util/clock';

export const POLL_FIRST_MS = 2_000;
export const POLL_MAX_MS = 30_000;

/**
 * Calls `tick` again and again while active, waiting 2 s, then 4, 8, 16 and
 * 30 s (at most) between the end of one tick and the start of the next.
 * Inactive (nothing changing, view hidden, signed out) means no timer and no
 * tick; becoming active again starts over at 2 s. A tick never overlaps the
 * next one.
 */
export class PollScheduler {
  private active = false;
  private running = false;
  private disposed = false;
  private timer: Timer | undefined;
  private delay: number;

  constructor(
    private readonly clock: Clock,
    private readonly tick: () => Promise<void>,
    private readonly firstMs = POLL_FIRST_MS,
    private readonly maxMs = POLL_MAX_MS,
  ) {
    this.delay = firstMs;
  }

  /** Whether a tick is waiting on its timer (for tests and the bench). */
  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  /** The wait before the next tick once one is scheduled. */
  get nextDelayMs(): number {
    return this.delay;
  }

  setActive(active: boolean): void {
    if (this.disposed || active === this.active) {
      return;
    }
    this.active = active;
    if (!active) {
      this.timer?.cancel();
      this.timer = undefined;
      this.delay = this.firstMs;
    } else if (!this.running) {
      this.schedule();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.active = false;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(): void {
    const wait = this.delay;
    this.timer = this.clock.setTimeout(() => void this.fire(), wait);
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    if (!this.active || this.disposed) {
      return;
    }
    this.running = true;
    try {
      await this.tick();
    } catch {
      // The tick reports its own failures (the view shows an error row); polling just goes on.
    } finally {
      this.running = false;
    }
    this.delay = Math.min(this.delay * 2, this.maxMs);
    if (this.active && !this.disposed && !this.timer) {
      this.schedule();
    }
  }
}
