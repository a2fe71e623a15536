import { normalizeApiUrl } from '../api/apiUrl';
import type { SecretStorageLike } from '../auth/session/sessionStore';
import type { Logger } from '../log/logger';
import { isApiToken } from '../util/secretShapes';

/** Whose terminal token: one per server and account. */
export interface TerminalTokenOwner {
  readonly apiUrl: string;
  readonly accountId: string;
}

/** The dedicated token as kept in SecretStorage. */
export interface StoredTerminalToken {
  readonly id: string;
  readonly token: string;
  /** Epoch ms, when this window or another created it. */
  readonly createdAt: number;
}

const RECORD_PREFIX = 'modbox.terminalToken.v1:';
const PENDING_PREFIX = 'modbox.terminalToken.pendingRevocations.v1:';
const LEASE_PREFIX = 'modbox.terminalToken.lease.v1:';
/** A bound on the pending list, so a server that never answers cannot grow it forever. */
const MAX_PENDING = 20;

export function ownerKey(owner: TerminalTokenOwner): string {
  return JSON.stringify([normalizeApiUrl(owner.apiUrl), owner.accountId]);
}

export const recordKey = (owner: TerminalTokenOwner): string => RECORD_PREFIX + ownerKey(owner);
export const pendingKey = (owner: TerminalTokenOwner): string => PENDING_PREFIX + ownerKey(owner);
export const leaseKey = (owner: TerminalTokenOwner): string => LEASE_PREFIX + ownerKey(owner);

function isRecord(value: unknown): value is StoredTerminalToken {
  const v = value as Partial<StoredTerminalToken> | null;
  return typeof v === 'object' && v !== null
    && typeof v.id === 'string' && v.id.length > 0 && v.id.length <= 512
    && isApiToken(v.token)
    && typeof v.createdAt === 'number' && Number.isFinite(v.createdAt);
}

/**
 * The terminal token and the revocations still owed to the server, in
 * SecretStorage (never globalState: both hold token values). Unreadable
 * entries are dropped with a log line, never a crash.
 */
export class TerminalTokenStore {
  constructor(private readonly secrets: SecretStorageLike, private readonly log: Logger) {}

  async read(owner: TerminalTokenOwner): Promise<StoredTerminalToken | undefined> {
    const raw = await this.get(recordKey(owner));
    if (raw === undefined) {
      return undefined;
    }
    const parsed = parse(raw);
    if (!isRecord(parsed)) {
      this.log.warn('The stored terminal token was unreadable; it is forgotten.');
      await this.secrets.delete(recordKey(owner));
      return undefined;
    }
    return { id: parsed.id, token: parsed.token, createdAt: parsed.createdAt };
  }

  async write(owner: TerminalTokenOwner, token: StoredTerminalToken): Promise<void> {
    await this.secrets.store(recordKey(owner), JSON.stringify({ id: token.id, token: token.token, createdAt: token.createdAt }));
  }

  async delete(owner: TerminalTokenOwner): Promise<void> {
    await this.secrets.delete(recordKey(owner));
  }

  async pending(owner: TerminalTokenOwner): Promise<StoredTerminalToken[]> {
    const raw = await this.get(pendingKey(owner));
    const parsed = raw === undefined ? [] : parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
  }

  async setPending(owner: TerminalTokenOwner, tokens: readonly StoredTerminalToken[]): Promise<void> {
    if (tokens.length === 0) {
      await this.secrets.delete(pendingKey(owner));
      return;
    }
    await this.secrets.store(pendingKey(owner), JSON.stringify(tokens.slice(-MAX_PENDING)));
  }

  async addPending(owner: TerminalTokenOwner, token: StoredTerminalToken): Promise<void> {
    const list = (await this.pending(owner)).filter((t) => t.id !== token.id);
    await this.setPending(owner, [...list, token]);
  }

  private async get(key: string): Promise<string | undefined> {
    try {
      return await this.secrets.get(key);
    } catch (err) {
      this.log.warn(`Could not read SecretStorage: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
