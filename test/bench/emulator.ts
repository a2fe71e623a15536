// The bench's view of the emulator: its counters, over the shared control client.
import { control } from '../support/emulatorControl';
import type { RequestRecord } from './results';

export interface Stats {
  refreshCalls: number;
  refreshReuse: number;
  requests: (RequestRecord & { ms: number })[];
}

export async function stats(): Promise<Stats> {
  return (await control('GET', '/stats')) as Stats;
}

export async function resetStats(): Promise<void> {
  await control('POST', '/stats/reset');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until check() is true; throws after ms. */
export async function until(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await sleep(20);
  }
}
