import * as vscode from 'vscode';
import type { ModboxClient } from '../api/client';
import type { Logger } from '../log/logger';
import { systemClock, type Clock } from '../util/clock';
import type { Account, AccountSummary } from './account';
import { AccountIndex, AccountLimitError, MAX_ACCOUNTS, type IndexedAccount } from './session/accountIndex';
import { migrateLegacySession } from './session/migration';
import { diffSessions, type StoredSession } from './session/session';
import type { SecretStorageLike } from './session/sessionStore';
import type { SignInOptions } from './signIn/options';
import type { Backend } from './backend';

/** Which account the sidebar shows, per server; ids only (globalState is not secret). */
export interface SelectionMemory {
  get(apiUrl: string): string | undefined;
  set(apiUrl: string, accountId: string | undefined): PromiseLike<void>;
}

export interface AccountServiceDeps {
  log: Logger;
  /** The backend of one account; account id `''` is the one sign-in runs through. */
  createBackend(apiUrl: string, accountId: string): Backend;
  /** Where the account index lives (the same SecretStorage the backends use). */
  secrets: SecretStorageLike;
  /** Runs the interactive sign-in; resolves undefined when the user cancels. */
  interactiveSignIn(backend: Backend, options?: SignInOptions): Promise<StoredSession | undefined>;
  /** Shown once per lost session of the selected account, never once per failed request. */
  promptSessionExpired(): void;
  clock?: Clock;
  selection?: SelectionMemory;
  /** Settle time of the account index (tests shorten it). */
  indexSettleMs?: number;
}

interface Entry {
  readonly backend: Backend;
  session: StoredSession | undefined;
  readonly subscriptions: vscode.Disposable[];
}

/** One server's accounts. Replaced as a whole when `modbox.apiUrl` changes. */
interface Server {
  readonly apiUrl: string;
  readonly index: AccountIndex;
  readonly signInBackend: Backend;
  readonly entries: Map<string, Entry>;
  indexed: IndexedAccount[];
  readonly subscription: vscode.Disposable;
}

/**
 * Every Modbox account of this window on the configured server, and which
 * one is selected. SecretStorage is the truth (an index of accounts, and one
 * key per account's session); the entries only mirror it so that events can
 * be diffed. `Account` members (`session`, `client()`, `signOut()`, ...) act
 * on the selected account.
 */
export class AccountService implements Account, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<StoredSession | undefined>();
  private readonly accountsEmitter = new vscode.EventEmitter<void>();
  private readonly sessionsEmitter =
    new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSession = this.changeEmitter.event;
  readonly onDidChangeAccounts = this.accountsEmitter.event;
  /** In the shape `AuthenticationProvider.onDidChangeSessions` wants. */
  readonly onDidChangeSessions = this.sessionsEmitter.event;

  private server: Server;
  private selectedId: string | undefined;
  private isLoaded = false;
  private readonly signOutHooks = new Set<(client: ModboxClient, session: StoredSession) => Promise<void>>();
  private readonly clock: Clock;
  /** Serialises re-reads so events are fired in the order the store changed. */
  private syncChain: Promise<void> = Promise.resolve();

  constructor(apiUrl: string, private readonly deps: AccountServiceDeps) {
    this.clock = deps.clock ?? systemClock;
    this.server = this.openServer(apiUrl);
  }

  /** The selected account's session, or undefined when signed out (or its session was lost). */
  get session(): StoredSession | undefined {
    return this.selectedId === undefined ? undefined : this.server.entries.get(this.selectedId)?.session;
  }

  get loaded(): boolean {
    return this.isLoaded;
  }

  get apiUrl(): string {
    return this.server.apiUrl;
  }

  get selectedAccountId(): string | undefined {
    return this.selectedId;
  }

  /** Every account on this server, in the order they were added. */
  get accounts(): readonly AccountSummary[] {
    return this.server.indexed.map((a) => {
      const session = this.server.entries.get(a.id)?.session;
      return { id: a.id, label: session?.account.label ?? a.label, session, selected: a.id === this.selectedId };
    });
  }

  /** The signed-in sessions, or only `accountId`'s. */
  sessions(accountId?: string): StoredSession[] {
    const all = this.accounts.flatMap((a) => (a.session ? [a.session] : []));
    return accountId === undefined ? all : all.filter((s) => s.account.id === accountId);
  }

  /** Migrates the single-account layout once, then reads every account; no network. */
  async load(): Promise<void> {
    const server = this.server;
    const migrated = await migrateLegacySession(this.deps.secrets, server.apiUrl, server.index, this.deps.log).catch((err: unknown) => {
      this.deps.log.error(`Could not migrate the stored Modbox session (it is left where it was): ${describe(err)}`);
      return undefined;
    });
    if (migrated && server === this.server && this.deps.selection?.get(server.apiUrl) === undefined) {
      await this.deps.selection?.set(server.apiUrl, migrated);
    }
    await this.syncAll();
    this.isLoaded = true;
    this.changeEmitter.fire(this.session);
  }

  /** Shows `accountId` in the sidebar (remembered). False when there is no such account. */
  async select(accountId: string): Promise<boolean> {
    if (!this.server.indexed.some((a) => a.id === accountId)) {
      return false;
    }
    if (accountId !== this.selectedId) {
      this.selectedId = accountId;
      this.changeEmitter.fire(this.session);
      this.accountsEmitter.fire();
    }
    await this.deps.selection?.set(this.server.apiUrl, accountId);
    return true;
  }

  /** The selected account's client, or `accountId`'s. */
  client(accountId = this.selectedId): ModboxClient {
    const entry = accountId === undefined ? undefined : this.server.entries.get(accountId);
    if (!entry?.session) {
      throw new Error(vscode.l10n.t('Sign in to Modbox first.'));
    }
    return entry.backend.client;
  }

  /** A session of `accountId` (default: the selected one) whose access token is valid now, refreshing first if needed. */
  async freshSession(accountId = this.selectedId): Promise<StoredSession | undefined> {
    const entry = accountId === undefined ? undefined : this.server.entries.get(accountId);
    if (!entry?.session) {
      return undefined;
    }
    try {
      const fresh = await entry.backend.refresher.freshSession();
      await this.syncAll();
      return fresh;
    } catch (err) {
      // Offline or a 5xx: the session is still ours; callers get the last token
      // and the refresher keeps trying in the background.
      this.deps.log.warn(`Could not refresh the Modbox session yet: ${describe(err)}`);
      return entry.session;
    }
  }

  /**
   * Signs in interactively. A new identity adds an account, a known one gets
   * new tokens; either way it becomes the selected account. Throws
   * `AccountLimitError` when a new account would exceed the limit.
   */
  async signIn(options?: SignInOptions): Promise<StoredSession | undefined> {
    const server = this.server;
    const session = await this.deps.interactiveSignIn(server.signInBackend, options);
    if (!session || server !== this.server) {
      return undefined;
    }
    const id = session.account.id;
    // Only the index holds the count; checked before any token is stored.
    await server.index.add(
      { id, label: session.account.label },
      vscode.l10n.t('You can be signed in to at most {0} Modbox accounts. Sign out of one first.', MAX_ACCOUNTS),
    );
    const entry = this.attach(server, id);
    await entry.backend.store.write(session);
    await this.syncAll();
    await this.select(id);
    return session;
  }

  /** Signs out of `accountId` (default: the selected one): only its tokens go, and the server ends only its session. */
  async signOut(accountId = this.selectedId): Promise<void> {
    const server = this.server;
    const entry = accountId === undefined ? undefined : server.entries.get(accountId);
    if (!entry || accountId === undefined) {
      // Listed but never read (another window just added it): still take it off the list.
      if (accountId !== undefined && server.indexed.some((a) => a.id === accountId)) {
        await server.index.remove(accountId);
        await this.syncAll();
      }
      return;
    }
    const session = entry.session ?? (await entry.backend.store.read());
    // Local state goes first so a slow or unreachable server cannot keep the user signed in.
    await entry.backend.store.clear();
    await server.index.remove(accountId);
    await this.syncAll();
    if (session) {
      if (this.signOutHooks.size > 0) {
        // Last calls with the session's credentials (revoking the terminal token), before the server forgets it.
        const client = entry.backend.clientFor(session);
        await Promise.all([...this.signOutHooks].map((hook) => hook(client, session).catch((err: unknown) => {
          this.deps.log.warn(`A sign-out step failed: ${describe(err)}`);
        })));
      }
      await entry.backend.logout(session).catch((err: unknown) => {
        this.deps.log.warn(`Server-side sign-out failed (the local session is gone anyway): ${describe(err)}`);
      });
    }
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
    if (apiUrl === this.server.apiUrl) {
      return;
    }
    const old = this.server;
    this.server = this.openServer(apiUrl);
    this.closeServer(old, true);
    await this.load();
  }

  dispose(): void {
    this.closeServer(this.server, false);
    this.changeEmitter.dispose();
    this.accountsEmitter.dispose();
    this.sessionsEmitter.dispose();
  }

  private openServer(apiUrl: string): Server {
    const index = new AccountIndex({ secrets: this.deps.secrets, apiUrl, clock: this.clock, log: this.deps.log, settleMs: this.deps.indexSettleMs });
    return {
      apiUrl,
      index,
      signInBackend: this.deps.createBackend(apiUrl, ''),
      entries: new Map(),
      indexed: [],
      subscription: index.onDidChange(() => void this.syncAll()),
    };
  }

  /** Disposes a server's backends; `announce` reports its sessions as removed (another server is now configured). */
  private closeServer(server: Server, announce: boolean): void {
    server.subscription.dispose();
    const removed: StoredSession[] = [];
    for (const entry of server.entries.values()) {
      if (entry.session) removed.push(entry.session);
      entry.subscriptions.forEach((d) => d.dispose());
      entry.backend.dispose();
    }
    server.entries.clear();
    server.indexed = [];
    server.signInBackend.dispose();
    if (announce) {
      const hadSelection = this.selectedId !== undefined;
      this.selectedId = undefined;
      if (removed.length > 0) {
        this.sessionsEmitter.fire({ added: [], removed: removed.map(toAuthenticationSession), changed: [] });
      }
      if (hadSelection) {
        this.changeEmitter.fire(undefined);
      }
      this.accountsEmitter.fire();
    }
  }

  private attach(server: Server, accountId: string): Entry {
    const existing = server.entries.get(accountId);
    if (existing) {
      return existing;
    }
    const backend = this.deps.createBackend(server.apiUrl, accountId);
    const entry: Entry = { backend, session: undefined, subscriptions: [] };
    entry.subscriptions.push(
      backend.store.onDidChange(() => void this.syncAll()),
      backend.refresher.onExpired(() => {
        void this.syncAll().then(() => {
          if (this.selectedId === accountId) {
            this.deps.promptSessionExpired();
          }
        });
      }),
    );
    server.entries.set(accountId, entry);
    backend.refresher.start();
    return entry;
  }

  /** Re-reads the index and every account's session, and fires what changed. Never throws. */
  private syncAll(): Promise<void> {
    this.syncChain = this.syncChain.then(() => this.syncNow()).catch((err: unknown) => {
      this.deps.log.error(`Could not read the stored Modbox accounts: ${describe(err)}`);
    });
    return this.syncChain;
  }

  private async syncNow(): Promise<void> {
    const server = this.server;
    const indexed = await server.index.read();
    if (server !== this.server) {
      return;
    }
    const added: StoredSession[] = [];
    const removed: StoredSession[] = [];
    const changed: StoredSession[] = [];
    const before = this.session;
    const listedBefore = JSON.stringify(this.accounts);
    const listed = new Set(indexed.map((a) => a.id));
    for (const [id, entry] of [...server.entries]) {
      if (listed.has(id)) {
        continue;
      }
      const stored = await entry.backend.store.read();
      if (stored) {
        // Still signed in but missing from the index: another window's write
        // raced ours and dropped it. Put it back rather than lose the account.
        indexed.push({ id, label: stored.account.label });
        listed.add(id);
        void server.index.add({ id, label: stored.account.label }).catch((err: unknown) => {
          this.deps.log.warn(`Could not repair the list of Modbox accounts: ${describe(err)}`);
        });
        continue;
      }
      if (entry.session) removed.push(entry.session);
      entry.subscriptions.forEach((d) => d.dispose());
      entry.backend.dispose();
      server.entries.delete(id);
    }
    for (const account of indexed) {
      const entry = this.attach(server, account.id);
      const next = await entry.backend.store.read();
      const diff = diffSessions(entry.session, next);
      if (diff.added.length + diff.removed.length + diff.changed.length === 0) {
        // Same session: keep the object, so listeners only hear of real changes.
        continue;
      }
      entry.session = next;
      added.push(...diff.added);
      removed.push(...diff.removed);
      changed.push(...diff.changed);
    }
    server.indexed = indexed;
    this.chooseSelection(server);
    if (added.length + removed.length + changed.length > 0) {
      this.sessionsEmitter.fire({
        added: added.map(toAuthenticationSession),
        removed: removed.map(toAuthenticationSession),
        changed: changed.map(toAuthenticationSession),
      });
    }
    const after = this.session;
    if (before !== after) {
      this.changeEmitter.fire(after);
    }
    if (JSON.stringify(this.accounts) !== listedBefore) {
      this.accountsEmitter.fire();
    }
  }

  /** Keeps the selection on a listed account: the remembered one, else the first signed in, else none. */
  private chooseSelection(server: Server): void {
    const listed = (id: string | undefined): id is string => id !== undefined && server.indexed.some((a) => a.id === id);
    if (listed(this.selectedId)) {
      return;
    }
    const remembered = this.deps.selection?.get(server.apiUrl);
    const next = listed(remembered) ? remembered : server.indexed.find((a) => server.entries.get(a.id)?.session)?.id;
    this.selectedId = next;
    if (next !== remembered) {
      void Promise.resolve(this.deps.selection?.set(server.apiUrl, next)).catch(() => undefined);
    }
  }
}

export { AccountLimitError };

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
