import type { StoredSession } from '../session';
import type { SessionStore } from '../sessionStore';

/**
 * The stored session as last read, so that asking for a fresh session does
 * not hit the OS keychain each time. The store stays the truth: any change
 * event drops the copy.
 */
export class SessionCache {
  private cached: { session: StoredSession | undefined } | undefined;
  /** Bumped on every change so a slow read never caches stale data. */
  private generation = 0;

  constructor(private readonly store: SessionStore) {}

  async current(): Promise<StoredSession | undefined> {
    if (this.cached) {
      return this.cached.session;
    }
    const generation = this.generation;
    const session = await this.store.read();
    if (generation === this.generation) {
      this.cached = { session };
    }
    return session;
  }

  /** The store changed (in this window or another one). */
  forget(): void {
    this.generation++;
    this.cached = undefined;
  }

  /** We just wrote `session` to the store. */
  remember(session: StoredSession): void {
    this.generation++;
    this.cached = { session };
  }
}
