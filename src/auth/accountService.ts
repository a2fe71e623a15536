import * as vscode from 'vscode';
import type { ModboxClient } from '../api/client';
import type { Logger } from '../log/logger';
import type { Account } from './account';
import { diffSessions, type StoredSession } from './session/session';
import type { SignInOptions } from './signIn/options';
import type { Backend } from './backend';

export interface AccountServiceDeps {
  log: Logger;
  createBackend(apiUrl: string): Backend;
  /** Runs the interactive sign-in; resolves undefined when the user cancels. */
  interactiveSignIn(backend: Backend, options?: SignInOptions): Promise<StoredSession | undefined>;
  /** Shown once per lost session, never once per failed request. */
  promptSessionExpired(): void;
}

/**
 * The single source of the current session for this window. SecretStorage is
 * the truth; `current` only mirrors it so that events can be diffed.
 */
export class AccountService implements Account, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<StoredSession | undefined>();
  private readonly sessionsEmitter =
    new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSession = this.changeEmitter.event;
  /** In the shape `AuthenticationProvider.onDidChangeSessions` wants. */
  readonly onDidChangeSessions = this.sessionsEmitter.event;

  private backend: Backend;
  private backendDisposables: vscode.Disposable[] = [];
  private current: StoredSession | undefined;
  private isLoaded = false;
  private readonly signOutHooks = new Set<(client: ModboxClient, session: StoredSession) => Promise<void>>();
  /** Serialises re-reads so events are fired in the order the store changed. */
  private syncChain: Promise<void> = Promise.resolve();

  constructor(apiUrl: string, private readonly deps: AccountServiceDeps) {
    this.backend = this.attach(apiUrl);
  }

  get session(): StoredSession | undefined {
    return this.current;
  }

  get loaded(): boolean {
    return this.isLoaded;
  }

  get apiUrl(): string {
    return this.backend.apiUrl;
  }

  /** Reads the stored session once; no network. */
  async load(): Promise<void> {
    await this.sync();
    this.isLoaded = true;
    this.changeEmitter.fire(this.current);
  }

  client(): ModboxClient {
    if (!this.current) {
      throw new Error(vscode.l10n.t('Sign in to Modbox first.'));
    }
    return this.backend.client;
  }

  /** A session whose access token is valid now, refreshing first if it is about to expire. */
  async freshSession(): Promise<StoredSession | undefined> {
    if (!this.current) {
      return undefined;
    }
    try {
      const fresh = await this.backend.refresher.freshSession();
      await this.sync();
      return fresh;
    } catch (err) {
      // Offline or a 5xx: the session is still ours; callers get the last token
      // and the refresher keeps trying in the background.
      this.deps.log.warn(`Could not refresh the Modbox session yet: ${describe(err)}`);
      return this.current;
    }
  }

  async signIn(options?: SignInOptions): Promise<StoredSession | undefined> {
    const backend = this.backend;
    const session = await this.deps.interactiveSignIn(backend, options);
    if (!session || backend !== this.backend) {
      return undefined;
    }
    await backend.store.write(session);
    await this.sync();
    return session;
  }

  async signOut(): Promise<void> {
    const session = this.current;
    if (!session) {
      return;
    }
    const backend = this.backend;
    // Local state goes first so a slow or unreachable server cannot keep the user signed in.
    await backend.store.clear();
    await this.sync();
    if (this.signOutHooks.size > 0) {
      // Last calls with the session's credentials (revoking the terminal token), before the server forgets it.
      const client = backend.clientFor(session);
      await Promise.all([...this.signOutHooks].map((hook) => hook(client, session).catch((err: unknown) => {
        this.deps.log.warn(`A sign-out step failed: ${describe(err)}`);
      })));
    }
    await backend.logout(session).catch((err: unknown) => {
      this.deps.log.warn(`Server-side sign-out failed (the local session is gone anyway): ${describe(err)}`);
    });
  }

  /**
   * Runs `hook` at each sign-out of this window, after the local session is
   * gone and before the server-side sign-out, with a client that still
   * carries the ending session's access token.
   */
  beforeServerSignOut(hook: (client: ModboxClient, session: StoredSession) => Promise<void>): vscode.Disposable {
    this.signOutHooks.add(hook);
    return { dispose: () => this.signOutHooks.delete(hook) };
  }

  /** Called when `modbox.apiUrl` changes: sessions belong to one server. */
  async switchApiUrl(apiUrl: string): Promise<void> {
    if (apiUrl === this.backend.apiUrl) {
      return;
    }
    this.detach();
    this.backend = this.attach(apiUrl);
    await this.sync();
  }

  dispose(): void {
    this.detach();
    this.changeEmitter.dispose();
    this.sessionsEmitter.dispose();
  }

  private attach(apiUrl: string): Backend {
    const backend = this.deps.createBackend(apiUrl);
    this.backendDisposables = [
      backend.store.onDidChange(() => void this.sync()),
      backend.refresher.onExpired(() => {
        void this.sync().then(() => this.deps.promptSessionExpired());
      }),
    ];
    backend.refresher.start();
    return backend;
  }

  private detach(): void {
    for (const d of this.backendDisposables) {
      d.dispose();
    }
    this.backendDisposables = [];
    this.backend.dispose();
  }

  /** Re-reads the store and fires what changed. Never throws. */
  private sync(): Promise<void> {
    this.syncChain = this.syncChain.then(async () => {
      const next = await this.backend.store.read().catch((err: unknown) => {
        this.deps.log.error(`Could not read the stored Modbox session: ${describe(err)}`);
        return this.current;
      });
      const diff = diffSessions(this.current, next);
      this.current = next;
      if (diff.added.length + diff.removed.length + diff.changed.length === 0) {
        return;
      }
      this.sessionsEmitter.fire({
        added: diff.added.map(toAuthenticationSession),
        removed: diff.removed.map(toAuthenticationSession),
        changed: diff.changed.map(toAuthenticationSession),
      });
      this.changeEmitter.fire(next);
    });
    return this.syncChain;
  }
}

export function toAuthenticationSession(session: StoredSession): vscode.AuthenticationSession {
  return {
    id: session.id,
    accessToken: session.accessToken,
    account: { id: session.account.id, label: session.account.label },
    scopes: [],
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
