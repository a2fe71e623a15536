/** Time as a dependency, so refresh scheduling and timeouts can be tested with a fake clock. */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    // Never keep a process (tests, the emulator) alive just for a pending timer.
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
};
