import type { Clock, Timer } from '../util/clock';

/** What a view shows; `value` on loading/waiting/failed is the same account's previous data, if any. */
export type LoadState<T> =
  | { readonly kind: 'empty' }
  | { readonly kind: 'stale' }
  | { readonly kind: 'loading'; readonly value?: T }
  | { readonly kind: 'waiting'; readonly value?: T; readonly retryInMs: number }
  | { readonly kind: 'loaded'; readonly value: T }
  | { readonly kind: 'failed'; readonly value?: T; readonly error: unknown };

export interface LoaderOptions {
  clock: Clock;
  /** Milliseconds to wait before retrying after `error`, or undefined when it should not be retried automatically. */
  retryDelay(error: unknown): number | undefined;
  /** Automatic retries per load (after a rate limit); later failures wait for the user. */
  maxAutomaticRetries: number;
  onDidChange(): void;
}

/**
 * One view's data, loaded at most once at a time. Every `load` or `clear`
 * starts a new generation; results of requests from an older generation (an
 * earlier account, or a load that was superseded) are dropped, so a view never
 * shows another account's data even briefly.
 */
export class Loader<T> {
  private current: LoadState<T> = { kind: 'empty' };
  private generation = 0;
  private inFlight: Promise<void> | undefined;
  private retryTimer: Timer | undefined;

  constructor(private readonly options: LoaderOptions) {}

  get state(): LoadState<T> {
    return this.current;
  }

  /** The value to show, if it belongs to the current account. */
  get value(): T | undefined {
    return 'value' in this.current ? this.current.value : undefined;
  }

  /** Forget everything (signed out, or about to load a different account). */
  clear(next: 'empty' | 'stale' = 'empty'): void {
    this.generation++;
    this.cancelRetry();
    this.inFlight = undefined;
    this.set({ kind: next });
  }

  /** Changes the loaded value in place (e.g. after a revoke), without a new request. */
  update(change: (value: T) => T): void {
    if (this.current.kind === 'loaded') {
      this.set({ kind: 'loaded', value: change(this.current.value) });
    }
  }

  /**
   * Loads (or reloads, keeping the current value on screen) and resolves when
   * this generation has settled or been superseded. Never rejects: failures
   * become the `failed` state.
   */
  load(fetch: () => Promise<T>): Promise<void> {
    const generation = ++this.generation;
    this.cancelRetry();
    const promise = this.run(generation, fetch, 0);
    this.inFlight = promise;
    return promise;
  }

  /** The load in progress, if any, so callers can wait for it instead of starting another. */
  get pending(): Promise<void> | undefined {
    return this.inFlight;
  }

  dispose(): void {
    this.generation++;
    this.cancelRetry();
  }

  private async run(generation: number, fetch: () => Promise<T>, attempt: number): Promise<void> {
    this.set({ kind: 'loading', value: this.value });
    let value: T;
    try {
      value = await fetch();
    } catch (error) {
      if (generation !== this.generation) {
        return;
      }
      const delay = attempt < this.options.maxAutomaticRetries ? this.options.retryDelay(error) : undefined;
      if (delay === undefined) {
        this.set({ kind: 'failed', value: this.value, error });
        this.inFlight = undefined;
        return;
      }
      this.set({ kind: 'waiting', value: this.value, retryInMs: delay });
      await new Promise<void>((resolve) => {
        this.retryTimer = this.options.clock.setTimeout(resolve, delay);
        // A cleared or superseded load must still settle, so keep the resolver reachable.
        this.abandonWait = resolve;
      });
      this.abandonWait = undefined;
      if (generation !== this.generation) {
        return;
      }
      return this.run(generation, fetch, attempt + 1);
    }
    if (generation !== this.generation) {
      return;
    }
    this.set({ kind: 'loaded', value });
    this.inFlight = undefined;
  }

  private abandonWait: (() => void) | undefined;

  private cancelRetry(): void {
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    const abandon = this.abandonWait;
    this.abandonWait = undefined;
    abandon?.();
  }

  private set(state: LoadState<T>): void {
    this.current = state;
    this.options.onDidChange();
  }
}
