import { SecretRefreshLease, type RefreshLeaseLike } from '../../../../../src/auth/session/refreshLease';
import { TokenRefresher, type TokenRefresherOptions } from '../../../../../src/auth/session/refresh/tokenRefresher';
import { sessionFromTokens, type StoredSession } from '../../../../../src/auth/session/session';
import { SessionStore } from '../../../../../src/auth/session/sessionStore';
import { FakeClock } from '../../../../support/fakeClock';
import { CaptureLog, FakeAuthServer, type FakeServerOptions } from '../../helpers';
import { MemorySecretStorage } from '../../../../support/memorySecretStorage';

/** No cross-window coordination: plays a window whose lease always says yes. */
export const noLease: RefreshLeaseLike = {
  tryAcquire: () => Promise.resolve({ acquired: true }),
  release: () => Promise.resolve(),
};

export const API = 'https://api.modbox.run';

export interface Window {
  name: string;
  store: SessionStore;
  refresher: TokenRefresher;
  log: CaptureLog;
  expired: StoredSession[];
  refreshed: StoredSession[];
}

/** Windows sharing one SecretStorage, one fake clock and one fake token server. */
export class World {
  readonly clock = new FakeClock();
  readonly secrets = new MemorySecretStorage();
  readonly server: FakeAuthServer;
  readonly windows: Window[] = [];

  constructor(server: FakeServerOptions = {}) {
    this.server = new FakeAuthServer(this.clock, server);
  }

  openWindow(name: string, options: Partial<TokenRefresherOptions> & { useLease?: boolean } = {}): Window {
    const log = new CaptureLog();
    const store = new SessionStore(this.secrets, API, log, '');
    const lease: RefreshLeaseLike =
      options.useLease === false
        ? noLease
        : new SecretRefreshLease({ secrets: this.secrets, apiUrl: API, clock: this.clock, log, owner: name, settleMs: 100, ttlMs: 10_000 });
    const refresher = new TokenRefresher({
      store,
      refresh: this.server.refresh,
      clock: this.clock,
      log,
      random: () => 0.5,
      lease,
      ...options,
    });
    const win: Window = { name, store, refresher, log, expired: [], refreshed: [] };
    refresher.onExpired((s) => win.expired.push(s));
    refresher.onRefreshed((s) => win.refreshed.push(s));
    this.windows.push(win);
    return win;
  }

  async signIn(): Promise<StoredSession> {
    const session = sessionFromTokens(this.server.signIn(), 'github', this.clock.now());
    await this.windows[0].store.write(session);
    await this.clock.advance(0);
    return session;
  }

  stored(): Promise<StoredSession | undefined> {
    return new SessionStore(this.secrets, API, new CaptureLog(), '').read();
  }

  dispose(): void {
    for (const w of this.windows) w.refresher.dispose();
  }
}

