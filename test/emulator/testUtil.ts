/** Shared by the emulator's own tests: one emulator per suite, reset before each test, and a small fetch wrapper. */
import { startEmulator } from './server';
import type { Emulator, EmulatorOptions } from './server';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
}

export interface CallOptions {
  method?: string;
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function call(base: string, path: string, opts: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(base + path, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual',
    signal: opts.signal ?? AbortSignal.timeout(5000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Starts one emulator for the enclosing describe() and resets it before each test. */
export function useEmulator(opts: EmulatorOptions = {}): { em: () => Emulator; url: () => string } {
  let em: Emulator | undefined;
  before(async () => {
    em = await startEmulator({ host: '127.0.0.1', port: 0, ...opts });
  });
  beforeEach(() => em?.reset());
  after(async () => {
    await em?.close();
  });
  const get = (): Emulator => {
    if (!em) throw new Error('emulator not started');
    return em;
  };
  return { em: get, url: () => get().url };
}

export const ADA_WORKSPACES = {
  personal: '0b000000-0000-4000-8000-000000000001',
  engines: '0b000000-0000-4000-8000-000000000002',
  labs: '0b000000-0000-4000-8000-000000000003',
  graces: '0b000000-0000-4000-8000-000000000004',
};

export const USERS = {
  ada: '0a000000-0000-4000-8000-000000000001',
  charles: '0a000000-0000-4000-8000-000000000002',
  grace: '0a000000-0000-4000-8000-000000000003',
  alan: '0a000000-0000-4000-8000-000000000004',
  katherine: '0a000000-0000-4000-8000-000000000005',
};
