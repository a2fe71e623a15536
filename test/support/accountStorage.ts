// Writes sessions where the extension keeps them, as another window signing in would.
import { AccountIndex } from '../../src/auth/session/accountIndex';
import type { StoredSession } from '../../src/auth/session/session';
import { type SecretStorageLike, SessionStore } from '../../src/auth/session/sessionStore';
import { silentLogger } from '../../src/log/logger';
import { systemClock } from '../../src/util/clock';

/** Lists the session's account in the account index of `apiUrl`. */
export function indexAccount(secrets: SecretStorageLike, apiUrl: string, session: Pick<StoredSession, 'account'>): Promise<void> {
  return new AccountIndex({ secrets, apiUrl, clock: systemClock, log: silentLogger, settleMs: 20 }).add({ id: session.account.id, label: session.account.label });
}

/** The account's own session key, then the index (the order a sign-in uses). */
export async function storeAccountSession(secrets: SecretStorageLike, apiUrl: string, session: StoredSession): Promise<void> {
  await new SessionStore(secrets, apiUrl, silentLogger, session.account.id).write(session);
  await indexAccount(secrets, apiUrl, session);
}

/** Where the session of `accountId` is stored. */
export function accountStore(secrets: SecretStorageLike, apiUrl: string, accountId: string): SessionStore {
  return new SessionStore(secrets, apiUrl, silentLogger, accountId);
}

/** Deletes every account's session on `apiUrl` and the index (made-up servers a test used). */
export async function clearServer(secrets: SecretStorageLike, apiUrl: string): Promise<void> {
  const index = new AccountIndex({ secrets, apiUrl, clock: systemClock, log: silentLogger });
  for (const account of await index.read()) {
    await accountStore(secrets, apiUrl, account.id).clear();
  }
  await secrets.delete(index.key);
}
