/**
 * Reads the claims of a JWT access token for display and scheduling only.
 * The signature is the server's business: nothing here is trusted for access.
 */
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

/** Keeps a hostile token from making us decode megabytes. */
const MAX_TOKEN_LENGTH = 16 * 1024;
const SEGMENT = /^[A-Za-z0-9_-]+={0,2}$/;

/** True when `token` has the three-segment shape of a JWT with a JSON payload. */
export function looksLikeJwt(token: unknown): token is string {
  return decodeClaims(token) !== undefined;
}

/** Never throws: anything that is not a readable JWT gives `undefined`. */
export function decodeClaims(token: unknown): JwtClaims | undefined {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    return undefined;
  }
  const parts = token.split('.');
  // The signature segment may be empty (alg "none" in tests), the others may not.
  if (parts.length !== 3 || !SEGMENT.test(parts[0]) || !SEGMENT.test(parts[1])) {
    return undefined;
  }
  if (parts[2] !== '' && !SEGMENT.test(parts[2])) {
    return undefined;
  }
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
