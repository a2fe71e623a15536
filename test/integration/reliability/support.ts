// Shared by the reliability suites: backends built from the real src modules
// (so the wiring under test is the extension's own) and checks of what a
// user would read.
import * as assert from 'assert';
import { isModboxError } from '../../../src/api/errors';
import type { Transport } from '../../../src/api/transport';
import { createUndiciTransport } from '../../../src/api/transport/undiciTransport';
import type { Backend } from '../../../src/auth/backend';
import { createBackend } from '../../../src/auth/backend';
import { sessionFromTokens, type StoredSession } from '../../../src/auth/session/session';
import type { SecretStorageLike } from '../../../src/auth/session/sessionStore';
import { silentLogger, type Logger } from '../../../src/log/logger';
import { systemClock } from '../../../src/util/clock';
import { control, emulatorUrl, type Minted } from '../../support/emulatorControl';

export { mint, type Minted } from '../../support/emulatorControl';

/** A session as the extension stores it after an SSO sign-in. */
export function toSession(minted: Minted, now = Date.now()): StoredSession {
  return sessionFromTokens(
    { accessToken: minted.access_token, refreshToken: minted.refresh_token, expiresIn: minted.expires_in, refreshExpiresIn: minted.refresh_expires_in },
    'github',
    now,
  );
}

/** The real transport, with a shorter per-attempt deadline so a hung server costs seconds, not minutes. */
export function transportWithDeadline(timeoutMs: number): Transport {
  const inner = createUndiciTransport({ env: {} });
  return {
    request: (req) => inner.request({ ...req, timeoutMs: Math.min(req.timeoutMs, timeoutMs) }),
    close: () => inner.close?.() ?? Promise.resolve(),
  };
}

/** What `createBackend` gives the extension, over the given storage and transport. */
export function backendOver(accountId: string, secrets: SecretStorageLike, transport: Transport = createUndiciTransport({ env: {} }), log: Logger = silentLogger): Backend {
  return createBackend(emulatorUrl(), accountId, {
    secrets,
    transport,
    clock: systemClock,
    log,
    version: '0.0.0-test',
    workspaceId: () => undefined,
  });
}

export async function issuedSecrets(): Promise<string[]> {
  return ((await control('GET', '/issued-secrets')) as { secrets: string[] }).secrets;
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

/** Why `text` is not fit to show a user, or undefined when it is. */
export function messageProblem(text: string, secrets: readonly string[]): string | undefined {
  if (!text.trim()) return 'empty';
  if (text.length > 600) return `too long (${text.length})`;
  if (/<\/?[a-z!][^>]*>/i.test(text)) return 'HTML';
  if (/\n\s*at\s|\bat .+\.js:\d+/.test(text)) return 'a stack trace';
  if (/undefined|\[object Object\]|NaN/.test(text)) return 'a programming artefact';
  if (CONTROL_OR_BIDI.test(text)) return 'control characters';
  if (/eyJ[A-Za-z0-9_-]{10,}|mbx_[A-Za-z0-9]{12,}/.test(text)) return 'a credential';
  if (secrets.some((s) => s.length >= 8 && text.includes(s))) return 'an issued secret';
  return undefined;
}

export function assertCleanMessage(text: string, secrets: readonly string[], what: string): void {
  const problem = messageProblem(text, secrets);
  assert.strictEqual(problem, undefined, `${what} contains ${problem}: ${JSON.stringify(text.slice(0, 300))}`);
}

export function describeError(err: unknown): string {
  if (isModboxError(err)) return `${err.kind}: ${err.message}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Collects unhandled rejections while a block runs, so a failing cell can name its own. */
export function watchRejections(): { reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown): void => void reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => void process.removeListener('unhandledRejection', listener) };
}
