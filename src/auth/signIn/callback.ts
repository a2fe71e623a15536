import { isCredential } from '../../util/secretShapes';
import { labelText } from '../../util/untrustedText';
import { looksLikeJwt } from '../session/jwt';
import type { TokenSet } from '../session/session';

/**
 * The sign-in callback as data. Whatever arrives here (a `vscode://` link
 * someone crafted, a pasted address, a relay POST) is only parsed, never
 * followed or executed; the caller still checks `state`.
 */
export type CallbackResult =
  | { kind: 'tokens'; state: string | undefined; tokens: TokenSet }
  | { kind: 'error'; state: string | undefined; error: string; description?: string }
  | { kind: 'invalid'; reason: string };

export const MAX_CALLBACK_LENGTH = 16 * 1024;
const MAX_PARAMS = 64;
const KNOWN_KEYS = new Set([
  'access_token',
  'refresh_token',
  'expires_in',
  'refresh_expires_in',
  'token_type',
  'state',
  'error',
  'error_description',
]);
const ERROR_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Parses a callback URI, a pasted address, or a bare `#...`/`key=value&...` string. Never throws. */
export function parseCallback(uriOrText: string): CallbackResult {
  if (typeof uriOrText !== 'string') {
    return invalid('The sign-in data is not text.');
  }
  if (uriOrText.length > MAX_CALLBACK_LENGTH) {
    return invalid('The sign-in data is too long.');
  }
  const text = uriOrText.trim();
  if (text === '') {
    return invalid('The sign-in data is empty.');
  }
  const params = new Map<string, string>();
  for (const part of paramParts(text)) {
    const error = collect(part, params);
    if (error) {
      return invalid(error);
    }
  }
  return interpret(params);
}

/** The query and fragment of a URI, or the whole text when it is a bare parameter list. */
function paramParts(text: string): string[] {
  const hash = text.indexOf('#');
  const beforeHash = hash >= 0 ? text.slice(0, hash) : text;
  const fragment = hash >= 0 ? text.slice(hash + 1) : undefined;
  const question = beforeHash.indexOf('?');
  const parts: string[] = [];
  if (question >= 0) {
    parts.push(beforeHash.slice(question + 1));
  } else if (hash < 0 && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) {
    // `access_token=...&state=...` pasted on its own.
    parts.push(text);
  }
  if (fragment !== undefined) {
    parts.push(fragment);
  }
  return parts;
}

function collect(part: string, params: Map<string, string>): string | undefined {
  if (part === '') {
    return undefined;
  }
  const pairs = part.split('&');
  if (pairs.length > MAX_PARAMS) {
    return 'The sign-in data has too many parameters.';
  }
  for (const pair of pairs) {
    if (pair === '') {
      continue;
    }
    const eq = pair.indexOf('=');
    const rawKey = eq >= 0 ? pair.slice(0, eq) : pair;
    const rawValue = eq >= 0 ? pair.slice(eq + 1) : '';
    const key = decode(rawKey);
    if (key === undefined || !KNOWN_KEYS.has(key)) {
      continue;
    }
    let value = decode(rawValue);
    if (value === undefined) {
      // `Uri.toString(true)` hands over already-decoded text, where a stray `%` in
      // a description is harmless; in a token or the state it is not.
      if (key !== 'error_description') {
        return 'The sign-in data is not correctly encoded.';
      }
      value = rawValue;
    }
    if (params.has(key)) {
      // Two values for one key: we cannot know which one the server meant.
      return `The sign-in data contains "${key}" more than once.`;
    }
    params.set(key, value);
  }
  return undefined;
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function interpret(params: Map<string, string>): CallbackResult {
  const state = params.get('state');
  if (state !== undefined && (state.length > 1024 || !isCredential(state))) {
    return invalid('The sign-in state is malformed.');
  }
  const error = params.get('error');
  if (error !== undefined) {
    if (!ERROR_CODE.test(error)) {
      return invalid('The sign-in error code is malformed.');
    }
    const result: CallbackResult = { kind: 'error', state, error };
    const description = params.get('error_description');
    if (description) {
      // Display text from outside: no control characters, bounded length.
      result.description = labelText(description, 300);
    }
    return result;
  }
  const accessToken = params.get('access_token');
  if (accessToken === undefined) {
    return invalid('No sign-in tokens were found. Paste the full address the browser shows after signing in.');
  }
  if (!looksLikeJwt(accessToken)) {
    return invalid('The access token in the sign-in data is not valid.');
  }
  const tokenType = params.get('token_type');
  if (tokenType !== undefined && tokenType.toLowerCase() !== 'bearer') {
    return invalid('The sign-in data has an unsupported token type.');
  }
  const tokens: TokenSet = { accessToken };
  const refreshToken = params.get('refresh_token');
  if (refreshToken !== undefined && refreshToken !== '') {
    if (!isCredential(refreshToken)) {
      return invalid('The refresh token in the sign-in data is not valid.');
    }
    tokens.refreshToken = refreshToken;
  }
  const expiresIn = seconds(params.get('expires_in'));
  if (expiresIn !== undefined) {
    tokens.expiresIn = expiresIn;
  }
  const refreshExpiresIn = seconds(params.get('refresh_expires_in'));
  if (refreshExpiresIn !== undefined) {
    tokens.refreshExpiresIn = refreshExpiresIn;
  }
  return { kind: 'tokens', state, tokens };
}

/** A positive whole number of seconds, at most ten years; anything else is ignored. */
function seconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value)) {
    return undefined;
  }
  const n = Number(value);
  return n > 0 && n <= 10 * 365 * 24 * 3600 ? n : undefined;
}

function invalid(reason: string): CallbackResult {
  return { kind: 'invalid', reason };
}
