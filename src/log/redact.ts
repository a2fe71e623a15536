/**
 * Removes secrets from text before it is logged. Over-redaction is preferred
 * to a leak: the placeholders say what was removed so logs stay useful.
 */

import {
  API_TOKEN_IN_TEXT, API_TOKEN_PREFIX, AUTH_SCHEMES_SOURCE, isSecretKey, JWT_IN_TEXT, MAX_CREDENTIAL_LENGTH, SECRET_HEADERS, SECRET_KEY_SOURCE,
} from '../util/secretShapes';

const REDACTED = '<redacted>';
const MAX_LENGTH = 20_000;

// A URI with a scheme; group 1 scheme, 2 authority, 3 path, 4 query+fragment.
const URI_RE = /\b([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^\s/?#"'<>`]*)([^\s?#"'<>`]*)([?#][^\s"'<>`]*)?/g;
const USERINFO_RE = /^([^:@/]*):([^@/]*)@/;

const HEADER_RE = new RegExp(String.raw`\b(${SECRET_HEADERS.join('|')})([ \t]*:[ \t]*)([^\r\n]+)`, 'gi');
const BEARER_RE = /\b(Bearer)(\s+)(?!<redacted>)[A-Za-z0-9\-._~+/=:]+/gi;
// `Basic <base64 of user:password>`; checked by decoding, so "Basic settings" stays readable.
const BASIC_RE = /\b(Basic)(\s+)([A-Za-z0-9+/=_-]{4,})/gi;
// A secret's name, however it is quoted (JSON, JSON escaped once or more, Python or JS dumps, URL-encoded), then `:` or `=`.
const KEY_RE = new RegExp(
  String.raw`(?<=^|[^A-Za-z0-9_-]|%2[6Ff]|%3[Ff]|%23)(\\*["']|)(${SECRET_KEY_SOURCE})\1[ \t]*([:=]|%3[Dd])[ \t]*`, 'gi');
const SCHEME_PREFIX_RE = new RegExp(`${AUTH_SCHEMES_SOURCE}[ \t]+`, 'iy');
// An unquoted value ends at a separator; `%26`/`%23` are `&`/`#` in an encoded URL.
const UNQUOTED_VALUE_RE = /(?:[^&#\s"'<>,;)}\]%\\]|%(?!2[36])[0-9A-Fa-f]{2})*/y;

// Machine error codes (ECONNREFUSED, UND_ERR_SOCKET) are not secrets even under a "code" key.
const ERROR_CODE_RE = /^(?:[A-Z][A-Z0-9_]*|\d{1,4})$/;
const WEB_SCHEMES = new Set(['http', 'https', 'ws', 'wss']);

export function redact(text: string): string {
  if (typeof text !== 'string') {
    return redactValue(text);
  }
  // Redacted before it is cut, with room for a whole credential past the cut, so no secret is cut in two.
  let out = text.length > MAX_LENGTH ? text.slice(0, MAX_LENGTH + MAX_CREDENTIAL_LENGTH) : text;
  out = out.replace(URI_RE, redactUri);
  out = out.replace(HEADER_RE, (m, name: string, sep: string, value: string) => value.startsWith(REDACTED) ? m : `${name}${sep}${REDACTED}`);
  out = out.replace(BEARER_RE, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`);
  out = out.replace(BASIC_RE, (m, scheme: string, space: string, value: string) => isBasicCredential(value) ? `${scheme}${space}${REDACTED}` : m);
  out = out.replace(JWT_IN_TEXT, '<jwt>');
  out = out.replace(API_TOKEN_IN_TEXT, `${API_TOKEN_PREFIX}${REDACTED}`);
  out = redactNamedValues(out);
  return text.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}... (${text.length - MAX_LENGTH} more characters)` : out;
}

function isBasicCredential(value: string): boolean {
  return Buffer.from(value, 'base64').toString('latin1').includes(':');
}

/** Replaces the value after every secret's name, quoted or not, up to its closing quote (or the end, if cut off). */
function redactNamedValues(text: string): string {
  let out = '';
  let done = 0;
  KEY_RE.lastIndex = 0;
  for (let m = KEY_RE.exec(text); m; m = KEY_RE.exec(text)) {
    const start = m.index + m[0].length;
    const value = valueAt(text, start);
    // The closing quote of a value cut short may open the next name: look at it again.
    KEY_RE.lastIndex = value.closed ? value.end - value.quote.length : value.end;
    const keep = value.inner === '' || value.inner.startsWith(REDACTED)
      || (/^code$/i.test(m[2]) && ERROR_CODE_RE.test(value.inner))
      || (!value.quote && /^(?:null|true|false|undefined)$/.test(value.inner));
    if (!keep) {
      out += `${text.slice(done, start)}${value.quote}${REDACTED}${value.closed ? value.quote : ''}`;
      done = value.end;
    }
  }
  return out + text.slice(done);
}

interface Value {
  quote: string;
  inner: string;
  closed: boolean;
  /** Index just after the value (and its closing quote). */
  end: number;
}

function valueAt(text: string, start: number): Value {
  const quote = /^\\*["']/.exec(text.slice(start, start + 64))?.[0] ?? '';
  if (quote) {
    const from = start + quote.length;
    for (let i = from; i < text.length; i++) {
      if (text.startsWith(quote, i)) {
        return { quote, inner: text.slice(from, i), closed: true, end: i + quote.length };
      }
      if (text[i] === '\\' && quote.length === 1) {
        i++; // an escaped character, possibly the quote
      }
    }
    return { quote, inner: text.slice(from), closed: false, end: text.length };
  }
  // `Authorization: Basic xyz` without quotes: the credential is the word after the scheme.
  SCHEME_PREFIX_RE.lastIndex = start;
  const scheme = SCHEME_PREFIX_RE.exec(text)?.[0] ?? '';
  UNQUOTED_VALUE_RE.lastIndex = start + scheme.length;
  const word = UNQUOTED_VALUE_RE.exec(text)?.[0] ?? '';
  return { quote: '', inner: word ? scheme + word : '', closed: false, end: start + scheme.length + word.length };
}

function redactUri(match: string, scheme: string, authority: string, path: string, rest: string | undefined): string {
  const userinfo = USERINFO_RE.exec(authority);
  const safeAuthority = userinfo ? `${userinfo[1]}:${REDACTED}@${authority.slice(userinfo[0].length)}` : authority;
  const head = `${scheme}://${safeAuthority}${path}`;
  if (!rest) {
    return userinfo ? head : match;
  }
  // Editor callback URIs (vscode://...) and any *callback* path carry the sign-in result: drop it all.
  if (!WEB_SCHEMES.has(scheme.toLowerCase()) || /callback/i.test(path)) {
    return `${head}${rest.startsWith('#') ? '#' : '?'}${REDACTED}`;
  }
  return `${head}${rest}`;
}

/** Formats any log argument as redacted text. */
export function redactValue(value: unknown): string {
  if (value instanceof Error) {
    return redact(formatError(value));
  }
  if (typeof value === 'string') {
    return redact(value);
  }
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'symbol' || typeof value === 'function') {
    return `[${typeof value}]`;
  }
  return redact(safeJson(value));
}

function formatError(err: Error): string {
  const head = `${err.name}: ${err.message}`;
  const stack = typeof err.stack === 'string' ? err.stack : '';
  const code = (err as { code?: unknown }).code;
  const codeText = typeof code === 'string' ? ` [${code}]` : '';
  return stack.includes(err.message) ? `${stack}${codeText}` : `${head}${codeText}${stack ? `\n${stack}` : ''}`;
}

function safeJson(value: object): string {
  const seen = new WeakSet<object>();
  try {
    const json = JSON.stringify(value, (key, v: unknown) => {
      if (key && typeof v === 'string' && isSecretKey(key) && !(/^code$/i.test(key) && ERROR_CODE_RE.test(v))) {
        return REDACTED;
      }
      if (v instanceof Error) {
        return formatError(v);
      }
      if (typeof v === 'bigint') {
        return String(v);
      }
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) {
          return '[circular]';
        }
        seen.add(v);
      }
      return v;
    });
    return json ?? String(value);
  } catch {
    return '[unserializable value]';
  }
}
