import type { Logger } from '../../log/logger';
import type { AccountIndex } from './accountIndex';
import { legacySessionKey, type SecretStorageLike, SessionStore } from './sessionStore';

/**
 * Moves the session the single-account version kept for `apiUrl` under its
 * account's own key and into the index, then deletes the old key, so it runs
 * once. Each step can be repeated safely (two windows starting together, or a
 * window closed half way): the old key goes last, and an account's own key is
 * never overwritten by the older copy. Resolves the migrated account's id.
 */
export async function migrateLegacySession(secrets: SecretStorageLike, apiUrl: string, index: AccountIndex, log: Logger): Promise<string | undefined> {
  const legacy = new SessionStore(secrets, apiUrl, log, '', legacySessionKey(apiUrl));
  // read() drops an unreadable value, so a corrupt old session cannot come back every start.
  const session = await legacy.read();
  if (!session) {
    return undefined;
  }
  const store = new SessionStore(secrets, apiUrl, log, session.account.id);
  if (!(await store.read())) {
    await store.write(session);
  }
  await index.add({ id: session.account.id, label: session.account.label });
  await legacy.clear();
  log.info('Moved the stored Modbox session to the multi-account layout.');
  return session.account.id;
}
