// The emulator's control API, with Node's fetch (so the bench itself never
// loads the extension's undici transport).
import type { RequestRecord } from './results';

export function emulatorUrl(): string {
  const url = process.env.MODBOX_EMULATOR_URL;
  if (!url) {
    throw new Error('MODBOX_EMULATOR_URL is not set');
  }
  return url;
}

export async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emulatorUrl()}/__emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) {
    throw new Error(`emulator ${method} ${path}: HTTP ${res.status}`);
  }
  return res.status === 204 ? undefined : res.json();
}

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

export interface Minted {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
}

export async function mint(): Promise<Minted> {
  return (await control('POST', '/session', {})) as Minted;
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
