import { normalizeApiUrl } from '../../api/apiUrl';
import type { Logger } from '../../log/logger';
import type { Clock } from '../../util/clock';
import type { Disposable } from '../emitter';
import type { SecretStorageLike } from './sessionStore';

const INDEX_KEY_PREFIX = 'modbox.accounts.v1:';

/** More accounts than this is almost certainly a mistake, and the switcher stops being usable. */
export const MAX_ACCOUNTS = 10;

/** One account known on a server: no tokens, only what the switcher shows when its session is gone. */
export interface IndexedAccount {
  id: string;
  label: string;
}

/** Where the list of accounts for `apiUrl` is kept in SecretStorage. */
export function accountIndexKey(apiUrl: string): string {
  return INDEX_KEY_PREFIX + normalizeApiUrl(apiUrl);
}

export class AccountLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountLimitError';
  }
}

export interface AccountIndexOptions {
  secrets: SecretStorageLike;
  apiUrl: string;
  clock: Clock;
  log: Logger;
  /** How long to let a competing write from another window land before checking ours survived. */
  settleMs?: number;
}

/** Rounds of write-and-check before giving up; each lost round means another window wrote in between. */
const MAX_ROUNDS = 6;

/**
 * The accounts signed in on one server, shared by all windows.
 *
 * SecretStorage has no compare-and-swap, so two windows adding at once could
 * each write a list without the other's account. Every change is therefore a
 * merge with what is stored, followed by a read-back after `settleMs`; a
 * change that did not survive is made again. The index only lists ids and
 * labels: each account's tokens live under their own key.
 */
export class AccountIndex {
  readonly key: string;
  private readonly settleMs: number;

  constructor(private readonly options: AccountIndexOptions) {
    this.key = accountIndexKey(options.apiUrl);
    this.settleMs = options.settleMs ?? 150;
  }

  /** Never throws: an unreadable index reads as empty (the sessions themselves are untouched). */
  async read(): Promise<IndexedAccount[]> {
    let raw: string | undefined;
    try {
      raw = await this.options.secrets.get(this.key);
    } catch (err) {
      this.options.log.error(`Could not read the list of Modbox accounts: ${describe(err)}`);
      return [];
    }
    return raw ? parseIndex(raw) : [];
  }

  /**
   * Adds (or relabels) `account`. Throws `AccountLimitError` when it is new
   * and the index is full; `limitMessage` is what the user reads then.
   */
  async add(account: IndexedAccount, limitMessage = `At most ${MAX_ACCOUNTS} Modbox accounts can be signed in.`): Promise<void> {
    await this.change((list) => {
      const at = list.findIndex((a) => a.id === account.id);
      if (at >= 0) {
        if (list[at].label === account.label) {
          return undefined;
        }
        const next = [...list];
        next[at] = { ...account };
        return next;
      }
      if (list.length >= MAX_ACCOUNTS) {
        throw new AccountLimitError(limitMessage);
      }
      return [...list, { ...account }];
    }, (list) => list.some((a) => a.id === account.id));
  }

  async remove(accountId: string): Promise<void> {
    await this.change(
      (list) => (list.some((a) => a.id === accountId) ? list.filter((a) => a.id !== accountId) : undefined),
      (list) => !list.some((a) => a.id === accountId),
    );
  }

  onDidChange(listener: () => unknown): Disposable {
    return this.options.secrets.onDidChange((e) => (e.key === this.key ? listener() : undefined));
  }

  /** `edit` returns the new list, or undefined when nothing needs writing; `done` says whether the stored list has our change. */
  private async change(edit: (list: IndexedAccount[]) => IndexedAccount[] | undefined, done: (list: IndexedAccount[]) => boolean): Promise<void> {
    const { secrets, clock, log } = this.options;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const next = edit(await this.read());
      if (!next) {
        return;
      }
      await secrets.store(this.key, JSON.stringify({ accounts: next }));
      await new Promise<void>((resolve) => clock.setTimeout(resolve, this.settleMs));
      if (done(await this.read())) {
        return;
      }
      log.debug('Another window changed the list of Modbox accounts at the same time; merging again.');
    }
    log.warn('The list of Modbox accounts kept changing; it will be repaired on the next change.');
  }
}

/** Lenient: entries that are not `{id, label}` strings are skipped, duplicates keep the first. */
export function parseIndex(raw: string): IndexedAccount[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [];
  }
  const accounts = typeof value === 'object' && value !== null ? (value as { accounts?: unknown }).accounts : undefined;
  if (!Array.isArray(accounts)) {
    return [];
  }
  const seen = new Set<string>();
  const result: IndexedAccount[] = [];
  for (const item of accounts) {
    const { id, label } = (item ?? {}) as Record<string, unknown>;
    if (typeof id === 'string' && id.length > 0 && typeof label === 'string' && !seen.has(id)) {
      seen.add(id);
      result.push({ id, label });
    }
  }
  return result;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
