/**
 * Reads the claims of a JWT access token for display and scheduling only.
 * The signature is the server's business: nothing here is trusted for access.
 */
import { hasJwtShape } from '../../util/secretShapes';

export interface JwtClaims {
  sub?: string;
  email?: string;
  name?: string;
  preferred_username?: string;
  /** Seconds since the epoch. */
  exp?: number;
  /** Seconds since the epoch. */
  iat?: number;
  iss?: string;
}


/** True when `token` has the three-segment shape of a JWT with a JSON payload. */
export function looksLikeJwt(token: unknown): token is string {
  return decodeClaims(token) !== undefined;
}

/** Never throws: anything that is not a readable JWT gives `undefined`. */
export function decodeClaims(token: unknown): JwtClaims | undefined {
  // The shape check also bounds the length, so a hostile token can't make us decode megabytes.
  if (!hasJwtShape(token)) {
    return undefined;
  }
  const parts = token.split('.');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return undefined;
  }
  const raw = payload as Record<string, unknown>;
  const claims: JwtClaims = {};
  for (const key of ['sub', 'email', 'name', 'preferred_username', 'iss'] as const) {
    const value = raw[key];
    if (typeof value === 'string' && value.length > 0) {
      claims[key] = value;
    }
  }
  for (const key of ['exp', 'iat'] as const) {
    const value = raw[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
      claims[key] = value;
    }
  }
  return claims;
}
