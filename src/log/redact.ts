/**
 * Removes secrets from text before it is logged. Over-redaction is preferred
 * to a leak: the placeholders say what was removed so logs stay useful.
 */

const REDACTED = '<redacted>';
const MAX_LENGTH = 20_000;

// Keys whose values are secrets wherever they appear (query, fragment, form, JSON, object dumps).
const SECRET_KEY = String.raw`(?:[A-Za-z0-9_-]*(?:token|Token|TOKEN|password|Password|PASSWORD|passwd|secret|Secret|SECRET)|code|state|authorization|Authorization|apikey|api_key|apiKey|assertion)`;

// A URI with a scheme; group 1 scheme, 2 authority, 3 path, 4 query+fragment.
const URI_RE = /\b([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^\s/?#"'<>`]*)([^\s?#"'<>`]*)([?#][^\s"'<>`]*)?/g;
const USERINFO_RE = /^([^:@/]*):([^@/]*)@/;

const BEARER_RE = /\b(Bearer)(\s+)(?!<redacted>)[A-Za-z0-9\-._~+/=:]+/gi;
const JWT_RE = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const MBX_RE = /\bmbx_[A-Za-z0-9_-]+/g;
const HEADER_RE = /\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key)([ \t]*:[ \t]*)([^\r\n]+)/gi;
const PAIR_RE = new RegExp(String.raw`(^|[?&#;,\s({\[])(${SECRET_KEY})=([^&#\s"'<>,;)}\]]*)`, 'g');
const JSON_RE = new RegExp(String.raw`("${SECRET_KEY}"\s*:\s*)"(?:[^"\\]|\\.)*"`, 'g');
// util.inspect-style dumps: { refresh_token: 'abc' }
const INSPECT_RE = new RegExp(String.raw`(\b${SECRET_KEY}\s*:\s*)'(?:[^'\\]|\\.)*'`, 'g');

// Machine error codes (ECONNREFUSED, UND_ERR_SOCKET) are not secrets even under a "code" key.
const ERROR_CODE_RE = /^(?:[A-Z][A-Z0-9_]*|\d{1,4})$/;
const WEB_SCHEMES = new Set(['http', 'https', 'ws', 'wss']);

export function redact(text: string): string {
  if (typeof text !== 'string') {
    return redactValue(text);
  }
  let out = text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}... (${text.length - MAX_LENGTH} more characters)` : text;
  out = out.replace(URI_RE, redactUri);
  out = out.replace(HEADER_RE, (m, name: string, sep: string, value: string) => value.startsWith(REDACTED) ? m : `${name}${sep}${REDACTED}`);
  out = out.replace(BEARER_RE, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`);
  out = out.replace(JWT_RE, '<jwt>');
  out = out.replace(MBX_RE, `mbx_${REDACTED}`);
  out = out.replace(JSON_RE, (m, head: string) => keepErrorCode(m, head, '"') ?? `${head}"${REDACTED}"`);
  out = out.replace(INSPECT_RE, (m, head: string) => keepErrorCode(m, head, "'") ?? `${head}'${REDACTED}'`);
  out = out.replace(PAIR_RE, (m, lead: string, key: string, value: string) =>
    value === '' || value === REDACTED || (key === 'code' && ERROR_CODE_RE.test(value)) ? m : `${lead}${key}=${REDACTED}`);
  return out;
}

function keepErrorCode(match: string, head: string, quote: string): string | undefined {
  if (!/^.?code/.test(head)) {
    return undefined;
  }
  const value = match.slice(head.length + 1, -1);
  return ERROR_CODE_RE.test(value) ? `${head}${quote}${value}${quote}` : undefined;
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

const SECRET_KEY_EXACT = new RegExp(String.raw`^${SECRET_KEY}$`);

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
      if (key && typeof v === 'string' && SECRET_KEY_EXACT.test(key) && !(key === 'code' && ERROR_CODE_RE.test(v))) {
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
