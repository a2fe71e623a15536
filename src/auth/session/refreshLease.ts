import { randomUUID } from 'node:crypto';
import type { Clock } from '../../util/clock';
import type { Logger } from '../../log/logger';
import { normalizeApiUrl } from '../../api/apiUrl';
import type { SecretStorageLike } from './sessionStore';

const LEASE_KEY_PREFIX = 'modbox.refreshLease.v1:';

export type LeaseResult = { acquired: true } | { acquired: false; heldUntil: number };

/** Who may spend the refresh token right now, across windows. */
export interface RefreshLeaseLike {
  tryAcquire(): Promise<LeaseResult>;
  release(): Promise<void>;
}

export interface SecretRefreshLeaseOptions {
  secrets: SecretStorageLike;
  apiUrl: string;
  /** Each account has its own lease, so refreshing one never waits on another. */
  accountId?: string;
  clock: Clock;
  log: Logger;
  /** Identifies this window; random by default. */
  owner?: string;
  /** The SecretStorage key; the refresh lease of `apiUrl` by default (other single-flight work across windows passes its own). */
  key?: string;
  /** How long a lease lasts if its owner never releases it (a crashed window). */
  ttlMs?: number;
  /** How long to wait after writing before checking that our write won. */
  settleMs?: number;
}

interface LeaseValue {
  owner: string;
  until: number;
}

/**
 * A best-effort mutual exclusion between windows, stored in SecretStorage.
 *
 * Trade-off: SecretStorage has no compare-and-swap, so the lease is taken by
 * writing our owner id, waiting `settleMs` for competing writes to land, and
 * reading it back; the last writer wins and every reader agrees on who that
 * is. Two windows can still both believe they won if one write is delayed by
 * more than the settle time. That residual race is covered by the refresher:
 * a refused refresh re-reads the store, and if another window already
 * rotated the token, its session is used instead of signing the user out.
 * A lease that is never released lapses after `ttlMs`.
 */
export class SecretRefreshLease implements RefreshLeaseLike {
  readonly key: string;
  private ownerId: string | undefined;
  private readonly ttlMs: number;
  private readonly settleMs: number;

  /** Made on first use: the first randomUUID() seeds an entropy pool, which activation need not pay for. */
  get owner(): string {
    return (this.ownerId ??= this.options.owner ?? randomUUID());
  }

  constructor(private readonly options: SecretRefreshLeaseOptions) {
    const server = normalizeApiUrl(options.apiUrl);
    this.key = options.key ?? LEASE_KEY_PREFIX + (options.accountId ? JSON.stringify([server, options.accountId]) : server);
    this.ttlMs = options.ttlMs ?? 30_000;
    this.settleMs = options.settleMs ?? 150;
  }

  async tryAcquire(): Promise<LeaseResult> {
    const { clock } = this.options;
    const current = await this.readLease();
    if (current && current.owner !== this.owner && current.until > clock.now()) {
      return { acquired: false, heldUntil: current.until };
    }
    await this.options.secrets.store(this.key, JSON.stringify({ owner: this.owner, until: clock.now() + this.ttlMs }));
    await new Promise<void>((resolve) => clock.setTimeout(resolve, this.settleMs));
    const after = await this.readLease();
    if (after && after.owner !== this.owner && after.until > clock.now()) {
      return { acquired: false, heldUntil: after.until };
    }
    return { acquired: true };
  }

  async release(): Promise<void> {
    try {
      const current = await this.readLease();
      if (current?.owner === this.owner) {
        await this.options.secrets.delete(this.key);
      }
    } catch (err) {
      // It lapses by itself; nothing else to do.
      this.options.log.debug(`Could not release the refresh lease: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async readLease(): Promise<LeaseValue | undefined> {
    let raw: string | undefined;
    try {
      raw = await this.options.secrets.get(this.key);
    } catch {
      return undefined;
    }
    if (!raw) {
      return undefined;
    }
    try {
      const value: unknown = JSON.parse(raw);
      if (
        typeof value === 'object' &&
        value !== null &&
        typeof (value as LeaseValue).owner === 'string' &&
        typeof (value as LeaseValue).until === 'number' &&
        Number.isFinite((value as LeaseValue).until)
      ) {
        return { owner: (value as LeaseValue).owner, until: (value as LeaseValue).until };
      }
    } catch {
      // A corrupt lease is treated as free.
    }
    return undefined;
  }
}
