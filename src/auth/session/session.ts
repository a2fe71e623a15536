import { createHash } from 'node:crypto';
import type { TokenSet } from '../../api/types';
import { isApiToken } from '../../util/secretShapes';
import { decodeClaims } from './jwt';

export type SsoProvider = 'google' | 'github' | 'microsoft';
// What a sign-in callback or a refresh call yields: the API's own token set.
export type { TokenSet };

const SSO_PROVIDERS: readonly SsoProvider[] = ['google', 'github', 'microsoft'];

/** The one session persisted in SecretStorage (as JSON) per API URL. */
export interface StoredSession {
  id: string;
  kind: 'sso' | 'apiToken';
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  accessExpiresAt?: number;
  /** Epoch ms. */
  refreshExpiresAt?: number;
  account: { id: string; label: string };
  provider?: SsoProvider;
  createdAt: number;
}

export interface SessionDiff {
  added: StoredSession[];
  removed: StoredSession[];
  changed: StoredSession[];
}

export { isApiToken } from '../../util/secretShapes';

/**
 * Builds a session from the tokens of an SSO sign-in. Throws when the access
 * token carries no subject, because the session id must come from the account.
 */
export function sessionFromTokens(tokens: TokenSet, provider: SsoProvider | undefined, now: number): StoredSession {
  const claims = decodeClaims(tokens.accessToken);
  if (!claims?.sub) {
    throw new Error('The sign-in response did not contain a readable access token.');
  }
  const label = claims.email ?? claims.name ?? claims.preferred_username ?? claims.sub;
  const session: StoredSession = {
    id: `modbox:${claims.sub}`,
    kind: 'sso',
    accessToken: tokens.accessToken,
    account: { id: claims.sub, label },
    createdAt: now,
  };
  if (provider) {
    session.provider = provider;
  }
  return withTokenTimes(session, tokens, now);
}

/**
 * The session after a successful refresh. A server that does not rotate
 * refresh tokens returns none: the one we have stays valid.
 */
export function refreshedSession(previous: StoredSession, tokens: TokenSet, now: number): StoredSession {
  const next: StoredSession = { ...previous, accessToken: tokens.accessToken };
  delete next.accessExpiresAt;
  if (tokens.refreshToken) {
    delete next.refreshExpiresAt;
  }
  return withTokenTimes(next, tokens, now);
}

function withTokenTimes(session: StoredSession, tokens: TokenSet, now: number): StoredSession {
  const claims = decodeClaims(tokens.accessToken);
  if (validSeconds(tokens.expiresIn)) {
    // Relative lifetimes are measured on our clock, so a skewed server clock does not matter.
    session.accessExpiresAt = now + tokens.expiresIn * 1000;
  } else if (claims?.exp !== undefined && claims.iat !== undefined && claims.exp > claims.iat) {
    session.accessExpiresAt = now + (claims.exp - claims.iat) * 1000;
  } else if (claims?.exp !== undefined) {
    session.accessExpiresAt = claims.exp * 1000;
  }
  if (tokens.refreshToken) {
    session.refreshToken = tokens.refreshToken;
    if (validSeconds(tokens.refreshExpiresIn)) {
      session.refreshExpiresAt = now + tokens.refreshExpiresIn * 1000;
    }
  }
  return session;
}

function validSeconds(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** A session for a long-lived `mbx_` API token: no expiry, no refresh. */
export function sessionFromApiToken(token: string, accountLabel?: string, now: number = Date.now()): StoredSession {
  const value = token.trim();
  if (!isApiToken(value)) {
    throw new Error('That does not look like a Modbox API token (it should start with "mbx_").');
  }
  // A digest keeps the id stable for the same token without putting the token in it.
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 16);
  const label = accountLabel?.trim() || `API token ${value.slice(0, 8)}…`;
  return {
    id: `modbox-api-token:${digest}`,
    kind: 'apiToken',
    accessToken: value,
    account: { id: `api-token:${digest}`, label },
    createdAt: now,
  };
}

/** Strict shape check of what was read from SecretStorage; unknown fields are dropped. */
export function validateStoredSession(json: unknown): StoredSession | undefined {
  if (!isRecord(json)) {
    return undefined;
  }
  const { id, kind, accessToken, refreshToken, accessExpiresAt, refreshExpiresAt, account, provider, createdAt } = json;
  if (!nonEmptyString(id) || (kind !== 'sso' && kind !== 'apiToken') || !nonEmptyString(accessToken)) {
    return undefined;
  }
  if (!isRecord(account) || !nonEmptyString(account.id) || typeof account.label !== 'string') {
    return undefined;
  }
  if (!isTime(createdAt)) {
    return undefined;
  }
  if (refreshToken !== undefined && !nonEmptyString(refreshToken)) {
    return undefined;
  }
  if ((accessExpiresAt !== undefined && !isTime(accessExpiresAt)) || (refreshExpiresAt !== undefined && !isTime(refreshExpiresAt))) {
    return undefined;
  }
  if (provider !== undefined && !SSO_PROVIDERS.includes(provider as SsoProvider)) {
    return undefined;
  }
  if (kind === 'apiToken' && (refreshToken !== undefined || !isApiToken(accessToken))) {
    return undefined;
  }
  const session: StoredSession = {
    id,
    kind,
    accessToken,
    account: { id: account.id, label: account.label },
    createdAt,
  };
  if (refreshToken !== undefined) session.refreshToken = refreshToken;
  if (accessExpiresAt !== undefined) session.accessExpiresAt = accessExpiresAt;
  if (refreshExpiresAt !== undefined) session.refreshExpiresAt = refreshExpiresAt;
  if (provider !== undefined) session.provider = provider as SsoProvider;
  return session;
}

/**
 * What `onDidChangeSessions` should report when the stored session goes from
 * `before` to `after`: same id with new tokens is a change, another id is a
 * removal plus an addition.
 */
export function diffSessions(before?: StoredSession, after?: StoredSession): SessionDiff {
  const diff: SessionDiff = { added: [], removed: [], changed: [] };
  if (before && after && before.id === after.id) {
    if (!sameSession(before, after)) {
      diff.changed.push(after);
    }
    return diff;
  }
  if (before) diff.removed.push(before);
  if (after) diff.added.push(after);
  return diff;
}

function sameSession(a: StoredSession, b: StoredSession): boolean {
  return (
    a.accessToken === b.accessToken &&
    a.refreshToken === b.refreshToken &&
    a.account.label === b.account.label &&
    a.accessExpiresAt === b.accessExpiresAt &&
    a.refreshExpiresAt === b.refreshExpiresAt
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
