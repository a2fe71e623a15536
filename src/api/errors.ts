import { redact } from '../log/redact';
import { messageText, withoutControlChars } from '../util/untrustedText';
import type { UnusableProxy } from './proxy';

export type ModboxErrorKind =
  | 'offline' | 'dns' | 'timeout' | 'tls' | 'proxy'
  | 'unauthorized' | 'forbidden' | 'notFound' | 'validation' | 'rateLimited'
  | 'server' | 'badResponse' | 'cancelled' | 'insecureUrl'
  /** The server answered 2xx but refused the operation (`{success: false, error}`). */
  | 'rejected';

export interface ModboxErrorInit {
  status?: number;
  retryAfterMs?: number;
  detail?: string;
  field?: string;
  /** The network error code (ECONNRESET, CERT_HAS_EXPIRED...), for logs. */
  code?: string;
  cause?: unknown;
}

// The transport is bundled apart from the extension (dist/transport.js), so
// each bundle has its own copy of this class: recognise errors by a brand
// shared through the global symbol registry, not by prototype.
const BRAND = Symbol.for('modbox.ModboxError');

/**
 * Every failure of the network layer. `message` is a user-facing sentence
 * without secrets or HTML; `detail` is the server's own (sanitized) words.
 */
export class ModboxError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  override readonly name = 'ModboxError';
  readonly kind: ModboxErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly detail?: string;
  readonly field?: string;
  readonly code?: string;

  constructor(kind: ModboxErrorKind, message: string, init: ModboxErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = kind;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.detail = init.detail;
    this.field = init.field;
    this.code = init.code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

export function isModboxError(err: unknown): err is ModboxError {
  return err instanceof ModboxError;
}

export const API_TOKEN_CANNOT_MANAGE_TOKENS =
  "API tokens can't manage API tokens. Sign in with Google, GitHub or Microsoft to manage them.";

export function cancelledError(): ModboxError {
  return new ModboxError('cancelled', 'The request was cancelled.');
}

export function badResponseError(host: string, reason: string, status?: number): ModboxError {
  return new ModboxError('badResponse', `Modbox at ${host} sent a response the extension can't use (${reason}).`, { status });
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const ABORT_CODES = new Set(['UND_ERR_ABORTED', 'ABORT_ERR']);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'HOSTNAME_MISMATCH', 'EPROTO', 'UND_ERR_PRX_TLS',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_');
}

/** The error codes on an error and its causes, outermost first. */
export function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (typeof code === 'string') {
      codes.push(code);
    } else if (name === 'AbortError') {
      codes.push('ABORT_ERR');
    }
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

export interface NetworkContext {
  /** The API host, as the user knows it (e.g. api.modbox.run). */
  host: string;
  /** The proxy host the request went through, if any. */
  proxyHost?: string;
  /** The request's own deadline passed (the abort was a timeout, not the user). */
  timedOut?: boolean;
}

/** Maps a low-level network failure to a ModboxError, by error code only. */
export function classifyNetworkError(err: unknown, ctx: NetworkContext): ModboxError {
  if (isModboxError(err)) {
    return err;
  }
  const codes = errorCodes(err);
  const code = codes.find((c) => c !== 'UND_ERR' && c !== 'ERR_INVALID_ARG_VALUE') ?? codes[0];
  const { host, proxyHost } = ctx;
  const init = { code, cause: err };
  const has = (set: ReadonlySet<string>) => codes.some((c) => set.has(c));

  if (ctx.timedOut || has(TIMEOUT_CODES)) {
    if (proxyHost && codes.includes('UND_ERR_CONNECT_TIMEOUT')) {
      return proxyError(proxyHost, init);
    }
    return new ModboxError('timeout', `Modbox at ${host} took too long to respond. Try again in a moment.`, init);
  }
  if (codes.some(isTlsCode)) {
    return new ModboxError('tls',
      `Can't verify the secure connection to ${host}${code ? ` (${code})` : ''}. If your network inspects HTTPS traffic, ` +
      'install its certificate in your system, or turn off the http.proxyStrictSSL setting.', init);
  }
  if (proxyHost && (has(UNREACHABLE_CODES) || has(DNS_CODES))) {
    return proxyError(proxyHost, init);
  }
  if (has(DNS_CODES)) {
    return new ModboxError('dns', `Can't find Modbox at ${host}. Check your internet connection and the modbox.apiUrl setting.`, init);
  }
  if (has(UNREACHABLE_CODES)) {
    return new ModboxError('offline', `Can't reach Modbox at ${host}. Check your internet connection.`, init);
  }
  if (has(RESET_CODES)) {
    return new ModboxError('offline', `The connection to Modbox at ${host} was interrupted. Try again.`, init);
  }
  if (has(ABORT_CODES)) {
    return new ModboxError('cancelled', 'The request was cancelled.', init);
  }
  return new ModboxError('offline', `Can't reach Modbox at ${host}${code ? ` (${code})` : ''}. Check your internet connection.`, init);
}

export function proxyError(proxyHost: string, init: ModboxErrorInit = {}): ModboxError {
  if (init.status === 407) {
    return new ModboxError('proxy',
      `The proxy ${proxyHost} asks for a user name and password (HTTP 407). Put them in the http.proxy setting ` +
      '(http://user:password@host:port) or in the HTTPS_PROXY environment variable.', init);
  }
  return new ModboxError('proxy',
    `Can't connect through the proxy ${proxyHost}${init.status ? ` (HTTP ${init.status})` : ''}. ` +
    'Check the http.proxy setting and the HTTPS_PROXY and NO_PROXY environment variables.', init);
}

/** A configured proxy the transport can't use: the request fails rather than going direct. */
export function unusableProxyError(proxy: UnusableProxy, host: string): ModboxError {
  const where = proxy.source === 'http.proxy' ? 'The http.proxy setting' : `The ${proxy.source} environment variable`;
  const problem = proxy.reason === 'socks'
    ? "names a SOCKS proxy, which the Modbox extension doesn't support"
    : proxy.reason === 'scheme'
      ? `names a proxy with the scheme ${proxy.scheme ?? '(unknown)'}, which the Modbox extension doesn't support`
      : "is not a proxy address the Modbox extension can read";
  return new ModboxError('proxy',
    `${where} ${problem}, so nothing was sent. Use an HTTP proxy there (http://host:port), ` +
    `or add ${host} to the http.noProxy setting to connect without a proxy.`);
}

/** The most of a server's message an error quotes (and a notification shows). */
export const MAX_DETAIL = 300;

/**
 * Makes a server-provided message safe to show: no HTML, no control
 * characters, no secrets, no link or icon syntax (it ends up in notifications
 * inside the error's message), bounded length.
 */
export function sanitizeDetail(text: unknown, secrets: readonly string[] = []): string | undefined {
  if (typeof text !== 'string') {
    return undefined;
  }
  let out = text.slice(0, 4 * MAX_DETAIL);
  if (/<\/?[a-zA-Z!][^>]*>/.test(out)) {
    out = out.replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>?/g, ' ');
    out = out.replace(/&(lt|gt|amp|quot|#39|nbsp);/g, (_m, e: string) => ({ lt: '‹', gt: '›', amp: '&', quot: '"', '#39': "'", nbsp: ' ' })[e] ?? ' ');
  }
  // Servers echo what they were sent ("Invalid refresh token abc..."): remove the request's own secrets.
  for (const secret of secrets) {
    if (secret.length >= 6) {
      out = out.split(secret).join('<redacted>');
    }
  }
  out = messageText(redact(withoutControlChars(out)), MAX_DETAIL);
  return out || undefined;
}

export interface HttpErrorContext {
  host: string;
  /** Content-Type of the response, to tell HTML pages from JSON. */
  contentType?: string;
  retryAfterMs?: number;
  /** Values the request carried (tokens) that must not come back in a message. */
  secrets?: readonly string[];
}

function looksLikeHtml(body: string, contentType: string | undefined): boolean {
  return /html/i.test(contentType ?? '') || /^\s*</.test(body);
}

interface ServerDetail {
  detail?: string;
  field?: string;
  extra?: number;
}

/** Extracts FastAPI's {detail} (string or 422 list) or {error}/{message} from a body. */
export function extractServerDetail(body: string, contentType?: string, secrets: readonly string[] = []): ServerDetail {
  const clean = (value: unknown) => sanitizeDetail(value, secrets);
  if (!body || looksLikeHtml(body, contentType)) {
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // Plain-text bodies from proxies are shown only if short and harmless.
    return /json/i.test(contentType ?? '') ? {} : { detail: clean(body) };
  }
  if (typeof json !== 'object' || json === null) {
    return { detail: clean(json) };
  }
  const record = json as Record<string, unknown>;
  const detail = record.detail;
  if (Array.isArray(detail)) {
    const first = detail.find((d): d is Record<string, unknown> => typeof d === 'object' && d !== null);
    if (!first) {
      return {};
    }
    const loc = Array.isArray(first.loc) ? first.loc.filter((p) => typeof p === 'string' || typeof p === 'number') : [];
    const path = (loc.length > 1 && ['body', 'query', 'path', 'header'].includes(String(loc[0])) ? loc.slice(1) : loc).join('.');
    return { detail: clean(first.msg), field: clean(path)?.slice(0, 80), extra: detail.length - 1 };
  }
  for (const key of ['detail', 'error', 'message', 'error_description']) {
    const value = record[key];
    if (typeof value === 'string') {
      return { detail: clean(value) };
    }
    if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
      return { detail: clean((value as { message: string }).message) };
    }
  }
  return {};
}

/** Maps a non-success HTTP status to a ModboxError with a specific message. */
export function httpError(status: number, body: string, ctx: HttpErrorContext): ModboxError {
  const { detail, field, extra } = extractServerDetail(body, ctx.contentType, ctx.secrets);
  const init: ModboxErrorInit = { status, detail, field };
  if (status === 401) {
    return new ModboxError('unauthorized', 'Modbox did not accept your sign-in. Sign in again.', init);
  }
  if (status === 403) {
    return new ModboxError('forbidden', detail
      ? `Modbox refused the request: ${detail}`
      : "You don't have permission to do that in Modbox.", init);
  }
  if (status === 404 || status === 410) {
    return new ModboxError('notFound', detail
      ? `Modbox couldn't find it: ${detail}`
      : "Modbox couldn't find it. It may have been deleted.", init);
  }
  if (status === 429) {
    const seconds = ctx.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(ctx.retryAfterMs / 1000));
    return new ModboxError('rateLimited', seconds === undefined
      ? 'Modbox is rate limiting requests. Try again in a moment.'
      : `Modbox is rate limiting requests. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    { ...init, retryAfterMs: ctx.retryAfterMs });
  }
  if (status >= 500) {
    return new ModboxError('server', `Modbox is having trouble (HTTP ${status}). Try again in a moment.`, { ...init, retryAfterMs: ctx.retryAfterMs });
  }
  if (status >= 400) {
    const more = extra ? ` (and ${extra} more problem${extra === 1 ? '' : 's'})` : '';
    const text = detail ? `${field ? `${field}: ` : ''}${detail}${more}` : `Modbox rejected the request (HTTP ${status}).`;
    return new ModboxError('validation', text, init);
  }
  return badResponseError(ctx.host, `HTTP ${status}`, status);
}

/** A 2xx body of the form {success: false, error}: the server refused the operation. */
export function operationFailedError(detail: string | undefined, status: number): ModboxError {
  return new ModboxError('rejected', detail ? `Modbox couldn't do that: ${detail}` : "Modbox couldn't do that.", { status, detail });
}
