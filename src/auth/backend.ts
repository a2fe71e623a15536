import { ModboxClient, type CredentialSource } from '../api/client';
import { parseApiUrl, unusableApiUrlError } from '../api/apiUrl';
import { ModboxError } from '../api/errors';
import { HttpClient } from '../api/http';
import type { Transport } from '../api/transport';
import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import { TokenRefresher } from './session/refresh/tokenRefresher';
import type { StoredSession } from './session/session';
import { type SecretStorageLike, SessionStore } from './session/sessionStore';

/** Everything that belongs to one account on one API URL; rebuilt when `modbox.apiUrl` changes. */
export interface Backend {
  readonly apiUrl: string;
  readonly accountId: string;
  readonly store: SessionStore;
  readonly refresher: TokenRefresher;
  /** A client whose credentials come from `refresher`. */
  readonly client: ModboxClient;
  /** Best-effort server-side sign-out. */
  logout(session: StoredSession): Promise<void>;
  /** A client that sends `session`'s access token as it is (no refresh): for last calls of a session that is ending. */
  clientFor(session: StoredSession): ModboxClient;
  dispose(): void;
}

export interface BackendDeps {
  secrets: SecretStorageLike;
  transport: Transport;
  clock: Clock;
  log: Logger;
  version: string;
  workspaceId: () => string | undefined;
}

/**
 * Wires store, refresher and client for one account on one API URL. The
 * account id `''` gives a backend for signing in, whose store is never written.
 */
export function createBackend(apiUrl: string, accountId: string, deps: BackendDeps): Backend {
  const http = new HttpClient({ transport: deps.transport, baseUrl: apiUrl, version: deps.version, clock: deps.clock, logger: deps.log });
  // Refresh and logout carry their own credentials, so they need no session.
  const anonymous = new ModboxClient(http, {
    accessToken: () => Promise.reject(new ModboxError('unauthorized', 'Sign in to Modbox first.')),
    onUnauthorized: () => Promise.resolve(undefined),
  });
  const store = new SessionStore(deps.secrets, apiUrl, deps.log, accountId);
  const refresher = new TokenRefresher({
    store,
    clock: deps.clock,
    log: deps.log,
    refresh: (refreshToken) => anonymous.refresh(refreshToken),
  });
  const credentials: CredentialSource = {
    async accessToken() {
      const session = await refresher.freshSession();
      if (!session) {
        throw new ModboxError('unauthorized', 'Your Modbox session has ended. Sign in again.');
      }
      return session.accessToken;
    },
    async onUnauthorized(rejected) {
      return (await refresher.forceRefresh(rejected))?.accessToken;
    },
  };
  const client = new ModboxClient(http, credentials, { workspaceId: deps.workspaceId });
  return {
    apiUrl,
    accountId,
    store,
    refresher,
    client,
    async logout(session) {
      if (session.refreshToken) {
        await anonymous.logout(session.refreshToken);
      }
    },
    clientFor: (session) => new ModboxClient(http, {
      accessToken: () => Promise.resolve(session.accessToken),
      onUnauthorized: () => Promise.resolve(undefined),
    }),
    dispose: () => refresher.dispose(),
  };
}

/** The transport for `apiUrl`: the real one, or, when the URL is unsafe, one that refuses every call and says why. */
export function transportFor(apiUrl: string, transport: Transport): Transport {
  const parsed = parseApiUrl(apiUrl);
  if (parsed.ok) {
    return transport;
  }
  return { request: () => Promise.reject(unusableApiUrlError(parsed.message)) };
}
