import type { ModboxClient } from '../api/client';
import { isModboxError, ModboxError } from '../api/errors';
import { SecretRefreshLease, type RefreshLeaseLike } from '../auth/session/refreshLease';
import type { SecretStorageLike } from '../auth/session/sessionStore';
import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import { leaseKey, ownerKey, recordKey, TerminalTokenStore, type StoredTerminalToken, type TerminalTokenOwner } from './tokenStore';

/** The calls the terminal token needs, bound to one signed-in session. */
export interface TerminalTokenApi {
  createApiToken(description: string): Promise<{ readonly id: string; readonly token: string }>;
  /** A token that is already gone counts as revoked. */
  revokeApiToken(idOrValue: string): Promise<unknown>;
  /** False when the server refuses `token` (revoked elsewhere); throws when it cannot tell (offline, 5xx). */
  tokenWorks(token: string): Promise<boolean>;
}

/** The slice of ModboxClient behind TerminalTokenApi. */
export function terminalTokenApi(client: Pick<ModboxClient, 'createApiToken' | 'revokeApiToken' | 'validateApiToken'>): TerminalTokenApi {
  return {
    createApiToken: (description) => client.createApiToken(description),
    revokeApiToken: (idOrValue) => client.revokeApiToken(idOrValue),
    tokenWorks: async (token) => {
      try {
        // GET /workspaces with the token itself: the cheapest call an API token may make.
        await client.validateApiToken(token);
        return true;
      } catch (err) {
        if (isModboxError(err) && err.kind === 'unauthorized') {
          return false;
        }
        throw err;
      }
    },
  };
}

export interface SignedInOwner extends TerminalTokenOwner {
  /** False for a session made from an API token: token endpoints need a sign-in session. */
  readonly canManageTokens: boolean;
}

export interface TerminalCredentialsDeps {
  secrets: SecretStorageLike;
  clock: Clock;
  log: Logger;
  /** The signed-in account now, or undefined. */
  owner(): SignedInOwner | undefined;
  /** The API as the current session. */
  api(): TerminalTokenApi;
  /** "VS Code terminal – <host name>". */
  description(): string;
  /** Who may create the token now, across windows; a SecretStorage lease by default. */
  lease?(owner: TerminalTokenOwner): RefreshLeaseLike;
}

/** The outcome of revoking the terminal token on the server. */
export type RevokeResult =
  | { kind: 'none' }
  | { kind: 'revoked' }
  /** The server could not be told: the revocation is remembered and retried at the next sign-in. */
  | { kind: 'pending'; error: unknown };

/** The token is gone (revoked elsewhere) and was: recreated once, or, the second time, not recreated. */
export type GoneResult = { kind: 'recreated'; token: { id: string; token: string } } | { kind: 'stopped' } | { kind: 'failed'; error: unknown };

const MAX_LEASE_ROUNDS = 4;
const MAX_LEASE_WAIT_MS = 30_000;

export function stoppedMessage(): string {
  return 'The Modbox terminal token was revoked again after it was replaced once, so Modbox stopped creating terminal tokens. '
    + 'Turn modbox.terminal.credentials off and on to create a new one.';
}

export function apiTokenSessionMessage(): string {
  return "You signed in with an API token, and API tokens can't create API tokens. Sign in with Google, GitHub or Microsoft to sign terminals in.";
}

/**
 * The dedicated API token that signed-in terminals get: created once per
 * server and account, kept in SecretStorage, shared by every window, revoked
 * on every way out. It is never the session's JWT or the token a user signed
 * in with. Everything it needs comes in as parameters, so it runs in plain Node.
 */
export class TerminalCredentials {
  private readonly store: TerminalTokenStore;
  private cached: { key: string; token: StoredTerminalToken } | undefined;
  private readonly inflight = new Map<string, Promise<StoredTerminalToken | undefined>>();
  /** Owners whose token was already replaced once after the server refused it. */
  private readonly recreated = new Set<string>();
  /** Owners for which creating stopped (replaced once, refused again). */
  private readonly stopped = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: TerminalCredentialsDeps) {
    this.store = new TerminalTokenStore(deps.secrets, deps.log);
  }

  /** The id of the current account's terminal token, if this window knows it (for the API tokens tree). */
  tokenId(): string | undefined {
    const owner = this.deps.owner();
    return owner && this.cached?.key === ownerKey(owner) ? this.cached.token.id : undefined;
  }

  /** True when creating stopped for the current account (see `stoppedMessage`). */
  isStopped(): boolean {
    const owner = this.deps.owner();
    return owner !== undefined && this.stopped.has(ownerKey(owner));
  }

  /** Fires when the token of the current account appears, changes or goes. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Re-reads the store when another window wrote or removed the token. */
  watchStorage(): { dispose(): void } {
    return this.deps.secrets.onDidChange((e) => {
      const owner = this.deps.owner();
      if (owner && e.key === recordKey(owner)) {
        void this.stored().then(() => undefined, () => undefined);
      }
    });
  }

  /** The stored token of the current account, without creating one. */
  async stored(): Promise<{ id: string; token: string } | undefined> {
    const owner = this.deps.owner();
    if (!owner) {
      return this.setCached(undefined);
    }
    const token = await this.store.read(owner);
    if (ownerKey(owner) !== currentKey(this.deps)) {
      return undefined;
    }
    return this.setCached(token && { key: ownerKey(owner), token });
  }

  /**
   * The current account's terminal token, created if there is none yet (once
   * for all callers and windows). Undefined when signed out; throws a
   * ModboxError (its message is for the user) when it cannot be had.
   */
  async ensureToken(): Promise<{ id: string; token: string } | undefined> {
    const owner = this.deps.owner();
    if (!owner) {
      return undefined;
    }
    const key = ownerKey(owner);
    if (this.stopped.has(key)) {
      throw new ModboxError('unauthorized', stoppedMessage());
    }
    const existing = await this.store.read(owner);
    if (existing) {
      return currentKey(this.deps) === key ? this.setCached({ key, token: existing }) : undefined;
    }
    if (!owner.canManageTokens) {
      throw new ModboxError('forbidden', apiTokenSessionMessage());
    }
    let flight = this.inflight.get(key);
    if (!flight) {
      flight = this.create(owner).finally(() => this.inflight.delete(key));
      this.inflight.set(key, flight);
    }
    const token = await flight;
    return token && currentKey(this.deps) === key ? this.setCached({ key, token }) : undefined;
  }

  /**
   * Forgets the current account's token and revokes it on the server (setting
   * turned off). A failed revocation is remembered and retried at the next sign-in.
   */
  async turnOff(): Promise<RevokeResult> {
    const owner = this.deps.owner();
    if (!owner) {
      return { kind: 'none' };
    }
    this.stopped.delete(ownerKey(owner));
    this.recreated.delete(ownerKey(owner));
    return this.revokeOwned(owner, () => this.deps.api());
  }

  /** The session of `owner` is ending (sign-out): revoke with its last credentials, before the server forgets it. */
  async sessionEnding(owner: TerminalTokenOwner, api: TerminalTokenApi): Promise<RevokeResult> {
    const result = await this.revokeOwned(owner, () => api);
    if (result.kind === 'pending') {
      return result;
    }
    // Also what `sessionEnded` (or an earlier failure) left owed for this account.
    const { revoked, error } = await this.revokePending(owner, api);
    return error !== undefined ? { kind: 'pending', error } : revoked > 0 ? { kind: 'revoked' } : result;
  }

  /**
   * The session of `owner` ended without a chance to revoke (another account
   * signed in, or the session is gone): the token leaves the terminals now and
   * is revoked at that account's next sign-in.
   */
  async sessionEnded(owner: TerminalTokenOwner): Promise<void> {
    const token = await this.store.read(owner);
    this.dropCached(ownerKey(owner));
    if (token) {
      await this.store.addPending(owner, token);
      await this.store.delete(owner);
    }
  }

  /** The user revoked token `id` in the tree: if it was the terminal token, forget it (the server already did). */
  async revokedByUser(id: string): Promise<boolean> {
    const owner = this.deps.owner();
    if (!owner) {
      return false;
    }
    const token = await this.store.read(owner);
    if (token?.id !== id) {
      return false;
    }
    await this.store.delete(owner);
    this.dropCached(ownerKey(owner));
    return true;
  }

  /** Revokes what earlier sign-outs could not (call after sign-in). Returns how many are still owed. */
  async retryPending(): Promise<number> {
    const owner = this.deps.owner();
    if (!owner?.canManageTokens) {
      return 0;
    }
    return (await this.revokePending(owner, this.deps.api())).left;
  }

  /** Revokes the tokens owed for `owner`; what fails stays owed. */
  private async revokePending(owner: TerminalTokenOwner, api: TerminalTokenApi): Promise<{ revoked: number; left: number; error?: unknown }> {
    const pending = await this.store.pending(owner);
    if (pending.length === 0) {
      return { revoked: 0, left: 0 };
    }
    const left: StoredTerminalToken[] = [];
    let error: unknown;
    for (const token of pending) {
      try {
        await api.revokeApiToken(token.id);
        this.deps.log.info('Revoked a terminal token that could not be revoked earlier.');
      } catch (err) {
        this.deps.log.warn(`Could not revoke an old terminal token yet: ${describe(err)}`);
        left.push(token);
        error = err;
      }
    }
    await this.store.setPending(owner, left);
    return { revoked: pending.length - left.length, left: left.length, ...(error === undefined ? {} : { error }) };
  }

  /**
   * Asks the server whether the token still works (a cheap call made with the
   * token itself). A refused token is handled as `tokenGone`; a server that
   * cannot be reached changes nothing. Undefined when there is nothing to check.
   */
  async validate(): Promise<GoneResult | { kind: 'valid' } | undefined> {
    const owner = this.deps.owner();
    const token = owner && await this.store.read(owner);
    if (!owner || !token) {
      return undefined;
    }
    let works: boolean;
    try {
      works = await this.deps.api().tokenWorks(token.token);
    } catch (err) {
      this.deps.log.debug(`Could not check the terminal token: ${describe(err)}`);
      return { kind: 'valid' };
    }
    return works ? { kind: 'valid' } : this.tokenGone(token.id);
  }

  /**
   * The server no longer accepts token `id`: replace it once; if the
   * replacement is refused too, stop and let the caller say why (`stoppedMessage`).
   */
  async tokenGone(id: string): Promise<GoneResult> {
    const owner = this.deps.owner();
    if (!owner) {
      return { kind: 'stopped' };
    }
    const key = ownerKey(owner);
    const current = await this.store.read(owner);
    if (current && current.id !== id) {
      // Another window replaced it already.
      return { kind: 'recreated', token: this.setCached({ key, token: current }) ?? current };
    }
    if (current) {
      await this.store.delete(owner);
    }
    this.dropCached(key);
    if (this.recreated.has(key)) {
      this.stopped.add(key);
      this.deps.log.warn('The terminal token was refused again after being replaced once; not creating another.');
      this.fire();
      return { kind: 'stopped' };
    }
    this.recreated.add(key);
    this.deps.log.info('The terminal token was refused; creating its replacement.');
    // Best effort, in case only the check was refused: a replaced token must not stay usable.
    await this.deps.api().revokeApiToken(id).catch(() => undefined);
    try {
      const token = await this.ensureToken();
      return token ? { kind: 'recreated', token } : { kind: 'stopped' };
    } catch (error) {
      return { kind: 'failed', error };
    }
  }

  private async revokeOwned(owner: TerminalTokenOwner, api: () => TerminalTokenApi): Promise<RevokeResult> {
    const token = await this.store.read(owner);
    this.dropCached(ownerKey(owner));
    if (!token) {
      return { kind: 'none' };
    }
    // Forgotten first: whatever the server says, no terminal gets this token again.
    await this.store.delete(owner);
    try {
      await api().revokeApiToken(token.id);
      // Trust, but check with the token itself: a proxy or a broken server can answer 2xx without revoking.
      if (await api().tokenWorks(token.token).catch(() => false)) {
        throw new ModboxError('badResponse', 'Modbox answered that the terminal token was revoked, but it still works.');
      }
      this.deps.log.info('Revoked the terminal token.');
      return { kind: 'revoked' };
    } catch (error) {
      this.deps.log.warn(`Could not revoke the terminal token; will retry at the next sign-in: ${describe(error)}`);
      await this.store.addPending(owner, token).catch((err: unknown) => this.deps.log.warn(`Could not remember it: ${describe(err)}`));
      return { kind: 'pending', error };
    }
  }

  private async create(owner: TerminalTokenOwner): Promise<StoredTerminalToken | undefined> {
    const { clock, log } = this.deps;
    const lease = this.deps.lease?.(owner)
      ?? new SecretRefreshLease({ secrets: this.deps.secrets, apiUrl: owner.apiUrl, clock, log, key: leaseKey(owner) });
    for (let round = 0; round < MAX_LEASE_ROUNDS; round++) {
      const got = await lease.tryAcquire();
      if (!got.acquired) {
        // Another window is creating it: wait for its write (or for its lease to lapse), then look again.
        await this.waitForRecord(owner, Math.min(MAX_LEASE_WAIT_MS, Math.max(0, got.heldUntil - clock.now())));
        const theirs = await this.store.read(owner);
        if (theirs) {
          return theirs;
        }
        continue;
      }
      try {
        // Checked again under the lease: another window may have finished while we waited.
        const existing = await this.store.read(owner);
        if (existing) {
          return existing;
        }
        const api = this.deps.api();
        const created = await api.createApiToken(this.deps.description());
        const token: StoredTerminalToken = { id: created.id, token: created.token, createdAt: clock.now() };
        if (currentKey(this.deps) !== ownerKey(owner)) {
          // The account changed while the token was being made: it belongs to nobody now.
          await api.revokeApiToken(created.id).catch(() => this.store.addPending(owner, token));
          return undefined;
        }
        try {
          await this.store.write(owner, token);
        } catch (err) {
          // A token that cannot be kept would be orphaned: revoke it and say why.
          await api.revokeApiToken(created.id).catch(() => undefined);
          throw new ModboxError('forbidden', `Couldn't keep the terminal token in the system keychain: ${describe(err)}`);
        }
        log.info('Created the terminal token.');
        return token;
      } finally {
        await lease.release();
      }
    }
    throw new ModboxError('timeout', 'Another VS Code window is creating the terminal token and has not finished. Try again.');
  }

  private waitForRecord(owner: TerminalTokenOwner, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const key = recordKey(owner);
      const done = () => {
        timer.cancel();
        sub.dispose();
        resolve();
      };
      const sub = this.deps.secrets.onDidChange((e) => {
        if (e.key === key) {
          done();
        }
      });
      const timer = this.deps.clock.setTimeout(done, ms);
    });
  }

  private setCached(next: { key: string; token: StoredTerminalToken } | undefined): { id: string; token: string } | undefined {
    const before = this.cached?.token.id;
    this.cached = next;
    if (before !== next?.token.id) {
      this.fire();
    }
    return next && { id: next.token.id, token: next.token.token };
  }

  private dropCached(key: string): void {
    if (this.cached?.key === key) {
      this.setCached(undefined);
    }
  }

  private fire(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }
}

function currentKey(deps: TerminalCredentialsDeps): string | undefined {
  const owner = deps.owner();
  return owner && ownerKey(owner);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
