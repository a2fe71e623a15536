// How every runner (integration, e2e, bench) ends: what it started is
// stopped on success, failure, timeout and Ctrl-C alike, within a bound, and
// the process exits with the run's code.

/** What one run started and must stop, however it ends. */
export class RunnerScope {
  private readonly closers: Array<() => unknown> = [];
  private readonly afterwards: Array<() => unknown> = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping: Promise<void> | undefined;

  /** Stopped together with the others; a hung browser or server must not keep the run alive, so this is bounded. */
  close(closer: () => unknown): void {
    this.closers.push(closer);
  }

  /** Runs after everything closed, in order (temporary folders, log files). */
  then(step: () => unknown): void {
    this.afterwards.push(step);
  }

  /** Resolves 'timeout' after ms unless the run ends first. */
  deadline(ms: number): Promise<'timeout'> {
    return new Promise((resolve) => void this.timers.push(setTimeout(() => resolve('timeout'), ms)));
  }

  stop(boundMs = 15_000): Promise<void> {
    this.stopping ??= (async () => {
      this.timers.forEach(clearTimeout);
      const all = Promise.allSettled(this.closers.map((close) => Promise.resolve().then(close)));
      await Promise.race([all, new Promise((r) => setTimeout(r, boundMs).unref())]);
      for (const step of this.afterwards) {
        try {
          await step();
        } catch (e) {
          console.error(e);
        }
      }
    })();
    return this.stopping;
  }
}

/** Runs a runner's main, stopping its scope on SIGINT/SIGTERM (exit 130) and when it ends, then exits with its code. */
export function runRunner(name: string, main: (scope: RunnerScope) => Promise<number>): void {
  const scope = new RunnerScope();
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`${name}: ${signal}, stopping`);
    void scope.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const run = Promise.resolve().then(() => main(scope));
  run
    .finally(async () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      await scope.stop();
    })
    .then(
      (code) => process.exit(code),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
}
