// The view tests drive the extension as installed: its own AccountService,
// trees and commands, reached through the test hooks. Signing in stores a
// session the emulator minted where the extension keeps it (its
// SecretStorage), as another window would; the account follows by itself.
import * as vscode from 'vscode';
import type { TestHooks } from '../../../src/extension';
import { sessionFromTokens, type StoredSession } from '../../../src/auth/session/session';
import { storeAccountSession } from '../../support/accountStorage';
import { mint } from '../../support/emulatorControl';
import { sessionWhere } from '../auth/helpers';
import { eventually } from './helpers';

/** A session as the extension stores it after an SSO sign-in, minted by the emulator for `email`. */
export async function mintedSession(email?: string): Promise<StoredSession> {
  const m = await mint(email);
  return sessionFromTokens(
    { accessToken: m.access_token, refreshToken: m.refresh_token, expiresIn: m.expires_in, refreshExpiresIn: m.refresh_expires_in },
    'github',
    Date.now(),
  );
}

/**
 * Stores `session` in the extension's SecretStorage (as another window signing
 * in would), has the sidebar show its account (as Switch Account does), and
 * waits until its AccountService holds it.
 */
export async function storeSession(h: TestHooks, session: StoredSession): Promise<StoredSession> {
  await storeAccountSession(h.secrets, h.account.apiUrl, session);
  await eventually(() => h.account.accounts.some((a) => a.session?.accessToken === session.accessToken), 10_000, 'the account to be listed');
  await h.account.select(session.account.id);
  await sessionWhere(h, (s) => s?.id === session.id && s.accessToken === session.accessToken);
  return session;
}

/** Signs the extension in as `email` (the seeded Ada when omitted). */
export async function signInAs(h: TestHooks, email?: string): Promise<StoredSession> {
  return storeSession(h, await mintedSession(email));
}

/**
 * Records the context keys a tree sets (VS Code offers no way to read them
 * back), still setting them. `current` holds what was set before watching.
 */
export function watchContextKeys(tree: object, current: Record<string, unknown> = {}): { keys: Map<string, unknown>; stop(): void } {
  const target = tree as { setContext: (key: string, value: unknown) => void };
  const original = target.setContext;
  const keys = new Map<string, unknown>(Object.entries(current));
  Object.defineProperty(target, 'setContext', {
    configurable: true,
    value: (key: string, value: unknown) => {
      keys.set(key, value);
      original(key, value);
    },
  });
  return { keys, stop: () => void Object.defineProperty(target, 'setContext', { configurable: true, writable: false, value: original }) };
}

/** What the extension's Modbox output channel has written to its log file so far ('' before the first line). */
export async function modboxLog(h: TestHooks): Promise<string> {
  try {
    return Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(h.logUri, 'Modbox.log'))).toString('utf8');
  } catch {
    return '';
  }
}
