import { normalizeApiUrl } from '../../api/apiUrl';
import type { Logger } from '../../log/logger';
import type { Disposable } from '../emitter';
import { validateStoredSession, type StoredSession } from './session';

export { diffSessions, type SessionDiff } from './session';

/** The part of `vscode.SecretStorage` we use; `context.secrets` satisfies it. */
export interface SecretStorageLike {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
  onDidChange(listener: (e: { key: string }) => unknown): Disposable;
}

const SESSION_KEY_PREFIX = 'modbox.session.v1:';
const ACCOUNT_SESSION_KEY_PREFIX = 'modbox.accountSession.v1:';

/** Where the single-account version kept the one session for `apiUrl`; read once, by the migration. */
export function legacySessionKey(apiUrl: string): string {
  return SESSION_KEY_PREFIX + normalizeApiUrl(apiUrl);
}

/** Where the session of one account on `apiUrl` is kept in SecretStorage. */
export function sessionKey(apiUrl: string, accountId: string): string {
  // JSON keeps any account id from colliding with another server's URL.
  return ACCOUNT_SESSION_KEY_PREFIX + JSON.stringify([normalizeApiUrl(apiUrl), accountId]);
}

/**
 * The stored session of one account on one API URL. SecretStorage is the
 * source of truth shared by all windows; nothing here caches.
 */
export class SessionStore {
  readonly key: string;
  readonly normalizedApiUrl: string;

  constructor(
    readonly secrets: SecretStorageLike,
    apiUrl: string,
    private readonly log: Logger,
    readonly accountId: string,
    /** Only the migration passes one: the single-account key. */
    key?: string,
  ) {
    this.normalizedApiUrl = normalizeApiUrl(apiUrl);
    this.key = key ?? sessionKey(apiUrl, accountId);
  }

  /** Never throws. Unreadable data is deleted so it cannot cause a sign-in loop. */
  async read(): Promise<StoredSession | undefined> {
    let raw: string | undefined;
    try {
      raw = await this.secrets.get(this.key);
    } catch (err) {
      this.log.error(`Could not read the stored Modbox session from the OS keychain: ${describe(err)}`);
      return undefined;
    }
    if (raw === undefined || raw === '') {
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      await this.drop('it is not valid JSON');
      return undefined;
    }
    const session = validateStoredSession(parsed);
    if (!session) {
      await this.drop('it does not have the expected shape');
    }
    return session;
  }

  /** Writes only a session of this store's account, so a mix-up can never put one account's tokens under another. */
  async write(session: StoredSession): Promise<void> {
    if (this.accountId !== '' && session.account.id !== this.accountId) {
      throw new Error('A Modbox session was about to be stored under another account.');
    }
    await this.secrets.store(this.key, JSON.stringify(session));
  }

  async clear(): Promise<void> {
    await this.secrets.delete(this.key);
  }

  /** Fires when our key changes, in this window or another one. */
  onDidChange(listener: () => unknown): Disposable {
    return this.secrets.onDidChange((e) => {
      if (e.key === this.key) {
        return listener();
      }
      return undefined;
    });
  }

  private async drop(why: string): Promise<void> {
    // The value itself is never logged: it may hold tokens.
    this.log.warn(`Dropped the stored Modbox session for ${this.normalizedApiUrl} because ${why}.`);
    try {
      await this.secrets.delete(this.key);
    } catch (err) {
      this.log.error(`Could not delete the unreadable Modbox session: ${describe(err)}`);
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
