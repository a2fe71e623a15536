/**
 * What each secret the extension handles looks like, defined once. The
 * parsers and validators accept exactly these shapes and the redactor removes
 * them from logs, so nothing one of them accepts can slip past the other.
 */

/** A credential sent in an Authorization header: printable ASCII, no spaces. */
const CREDENTIAL_RE = /^[\x21-\x7e]+$/;
export const MAX_CREDENTIAL_LENGTH = 16_384;

/** Any opaque credential (refresh tokens, access tokens as the server sent them). */
export function isCredential(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_CREDENTIAL_LENGTH && CREDENTIAL_RE.test(value);
}

// --- Modbox API tokens: `mbx_` then opaque characters (base64, base64url, dotted parts).
export const API_TOKEN_PREFIX = 'mbx_';
const API_TOKEN_CHAR = '[A-Za-z0-9._~+/=-]';
const API_TOKEN_RE = new RegExp(`^mbx_${API_TOKEN_CHAR}{8,1024}$`);

/** A whole API token, as pasted, created or stored. */
export function isApiToken(value: unknown): value is string {
  return typeof value === 'string' && API_TOKEN_RE.test(value);
}

/**
 * Every API token in a text, whole or cut short, also where a URL
 * percent-encodes its `+ / =`. Global: use with `replace` only.
 */
export const API_TOKEN_IN_TEXT = new RegExp(`mbx_(?:${API_TOKEN_CHAR}|%[0-9A-Fa-f]{2})+`, 'g');

// --- JWTs: three base64url segments (padding tolerated), the first a JSON object (`{"` is `eyJ`).
// The signature may be empty (alg "none" in tests).
function jwtSource(pad: string, cutShort: boolean): string {
  const segment = `[A-Za-z0-9_-]+${pad}{0,2}`;
  const signature = cutShort ? `(?:\\.(?:${segment})?)?` : `\\.(?:${segment})?`;
  return `eyJ[A-Za-z0-9_-]*${pad}{0,2}\\.${segment}${signature}`;
}
const JWT_RE = new RegExp(`^${jwtSource('=', false)}$`);

/** The shape of a JWT; whether its payload is readable JSON is jwt.ts's business. */
export function hasJwtShape(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_CREDENTIAL_LENGTH && JWT_RE.test(value);
}

/**
 * Every JWT in a text, including one cut after its payload, also where a URL
 * percent-encodes its padding. Global: use with `replace` only.
 */
export const JWT_IN_TEXT = new RegExp(jwtSource('(?:=|%3[Dd])', true), 'g');

// --- Secrets known by their name: a query or form key, a JSON or object key, a header.

/** Headers whose whole value is a secret. */
export const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-auth-token'] as const;

/**
 * Names whose values are secrets wherever they appear (case-insensitive):
 * anything ending in token, password, secret or api key (access_token,
 * refresh_token, id_token, client_secret, x-api-key...), OAuth's code, state
 * and assertion, and the secret headers.
 */
export const SECRET_KEY_SOURCE =
  String.raw`(?:[a-z0-9_-]*(?:token|password|passwd|secret|api[-_]?key)|code|state|assertion|credentials?|` +
  SECRET_HEADERS.map((h) => h.replace(/-/g, '\\-')).join('|') + ')';

const SECRET_KEY_EXACT = new RegExp(`^${SECRET_KEY_SOURCE}$`, 'i');

export function isSecretKey(name: string): boolean {
  return SECRET_KEY_EXACT.test(name);
}

/** Authorization schemes whose next word is the credential. */
export const AUTH_SCHEMES_SOURCE = '(?:Bearer|Basic|Digest|Negotiate)';
