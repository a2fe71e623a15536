/**
 * JSON over a Transport: auth headers, redirects, retries and error mapping.
 *
 * Policies:
 * - Redirects (301/302/303/307/308) are followed at most 3 hops and only within
 *   the API's origin; a redirect elsewhere is refused, never followed without
 *   the Authorization header, because every API call needs it anyway.
 *   303 turns into GET; the others keep method and body (FastAPI's slash fix is 307).
 * - Only GET is retried on 5xx, timeouts and dropped connections, and waits
 *   out a short Retry-After on 429. DELETE is retried only when the connection
 *   could not be opened (the request surely never reached the server); other
 *   methods are never retried.
 * - Error messages never contain request headers, bodies or URLs.
 */
import { systemClock, type Clock } from '../util/clock';
import { silentLogger, type Logger } from '../log/logger';
import {
  badResponseError, cancelledError, errorCodes, httpError, isModboxError, ModboxError, operationFailedError,
  sanitizeDetail,
} from './errors';
import type { HttpMethod, HttpResponse, Transport } from './transport';

export interface HttpClientOptions {
  transport: Transport;
  /** The validated API URL (see parseApiUrl). */
  baseUrl: URL | string;
  /** Extension version, for the User-Agent. */
  version: string;
  clock?: Clock;
  /** Uniform [0, 1), for backoff jitter. */
  random?: () => number;
  logger?: Logger;
  /** Per-attempt deadline (default 30 s). */
  timeoutMs?: number;
  /** Attempts for a retryable request, first one included (default 3). */
  maxAttempts?: number;
  /** No retry starts after this much time since the first attempt (default 20 s). */
  retryBudgetMs?: number;
  /** A 429's Retry-After is waited out only up to this (default 10 s). */
  maxRetryAfterMs?: number;
  /** First backoff delay (default 500 ms), doubled per retry, capped at 5 s. */
  baseBackoffMs?: number;
}

export interface RequestOptions {
  method: HttpMethod;
  /** Path below the API URL, starting with '/'; dynamic segments already encoded. */
  path: string;
  /** Bearer token; never put in the URL. */
  token?: string;
  workspaceId?: string;
  /** Encoded as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /** This request's own per-attempt deadline, for calls the server holds open on purpose (sandbox wait). */
  timeoutMs?: number;
}

export interface JsonResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed body; undefined for an empty body (204). */
  json: unknown;
}

const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Connection failures where the request cannot have reached the server.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const HEADER_VALUE_RE = /^[\x21-\x7e]+$/;

export class HttpClient {
  private readonly base: URL;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBudgetMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly baseBackoffMs: number;

  constructor(options: HttpClientOptions) {
    this.base = new URL(String(options.baseUrl).replace(/\/+$/, ''));
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.log = options.logger ?? silentLogger;
    this.userAgent = `vscode-modbox/${options.version}`;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, Math.min(options.maxAttempts ?? 3, 5));
    this.retryBudgetMs = options.retryBudgetMs ?? 20_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
    this.baseBackoffMs = options.baseBackoffMs ?? 500;
  }

  get host(): string {
    return this.base.host;
  }

  async request(opts: RequestOptions): Promise<JsonResponse> {
    const url = this.resolve(opts.path);
    const headers = this.headers(opts);
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const started = this.clock.now();
    for (let attempt = 1; ; attempt++) {
      if (opts.signal?.aborted) {
        throw cancelledError();
      }
      let outcome: JsonResponse | ModboxError;
      let responded = false;
      try {
        const res = await this.exchange(opts.method, url, headers, body, opts.signal, opts.timeoutMs ?? this.timeoutMs);
        responded = true;
        outcome = this.interpret(res, requestSecrets(opts));
      } catch (err) {
        if (!isModboxError(err)) {
          throw err;
        }
        outcome = err;
      }
      if (!(outcome instanceof ModboxError)) {
        return outcome;
      }
      const delayMs = this.retryDelay(opts.method, outcome, attempt, responded);
      if (delayMs === undefined || this.clock.now() - started + delayMs > this.retryBudgetMs) {
        throw outcome;
      }
      this.log.debug(`${opts.method} ${opts.path}: ${outcome.status ? `HTTP ${outcome.status}` : outcome.kind}` +
        `${outcome.code ? ` (${outcome.code})` : ''}, retrying in ${delayMs} ms`);
      await this.sleep(delayMs, opts.signal);
    }
  }

  private resolve(path: string): URL {
    if (!path.startsWith('/') || path.startsWith('//') || /[\s#]/.test(path)) {
      throw new ModboxError('insecureUrl', 'The extension built an invalid request path.');
    }
    const url = new URL(this.base.href.replace(/\/+$/, '') + path);
    if (url.origin !== this.base.origin) {
      throw new ModboxError('insecureUrl', 'The extension built an invalid request path.');
    }
    return url;
  }

  private headers(opts: RequestOptions): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.userAgent };
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    if (opts.token !== undefined) {
      if (!HEADER_VALUE_RE.test(opts.token)) {
        throw new ModboxError('unauthorized', 'The stored Modbox credential is malformed. Sign in again.');
      }
      headers.authorization = `Bearer ${opts.token}`;
    }
    if (opts.workspaceId !== undefined) {
      if (!HEADER_VALUE_RE.test(opts.workspaceId)) {
        throw new ModboxError('validation', 'The selected workspace id is malformed. Select a workspace again.');
      }
      headers['x-workspace-id'] = opts.workspaceId;
    }
    return headers;
  }

  /** One attempt, following same-origin redirects. */
  private async exchange(
    method: HttpMethod, url: URL, headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined, timeoutMs: number,
  ): Promise<HttpResponse & { url: URL }> {
    let current = url;
    let currentMethod = method;
    let currentBody = body;
    for (let hop = 0; ; hop++) {
      const began = this.clock.now();
      const res = await this.transport.request({
        method: currentMethod, url: current.href, headers, body: currentBody, timeoutMs, signal,
      });
      this.log.debug(`${currentMethod} ${current.pathname} -> ${res.status} (${this.clock.now() - began} ms)`);
      if (!REDIRECT_STATUSES.has(res.status)) {
        return { ...res, url: current };
      }
      if (hop >= MAX_REDIRECTS) {
        throw badResponseError(this.host, 'too many redirects', res.status);
      }
      let next: URL;
      try {
        next = new URL(res.headers.location ?? '', current);
      } catch {
        throw badResponseError(this.host, 'a redirect without a valid location', res.status);
      }
      if (!res.headers.location || next.origin !== this.base.origin) {
        throw new ModboxError('badResponse',
          `Modbox at ${this.host} redirected the request to ${res.headers.location ? safeHost(next) : 'nowhere'}. ` +
          'The extension does not follow redirects to other sites, so your credentials stay with Modbox. Check the modbox.apiUrl setting.',
          { status: res.status });
      }
      if (res.status === 303) {
        currentMethod = 'GET';
        currentBody = undefined;
      }
      current = next;
    }
  }

  /** A successful JsonResponse, or the error the response stands for. */
  private interpret(res: HttpResponse & { url: URL }, secrets: string[]): JsonResponse | ModboxError {
    const contentType = res.headers['content-type'];
    if (res.status < 200 || res.status >= 300) {
      return httpError(res.status, res.body, { host: this.host, contentType, retryAfterMs: parseRetryAfter(res.headers['retry-after'], this.clock.now()), secrets });
    }
    if (res.status === 204 || res.body.trim() === '') {
      return { status: res.status, headers: res.headers, json: undefined };
    }
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      if (/html/i.test(contentType ?? '') || /^\s*</.test(res.body)) {
        return new ModboxError('badResponse',
          `Modbox at ${this.host} sent a web page instead of data. A proxy or network login page may be in the way.`, { status: res.status });
      }
      return badResponseError(this.host, 'malformed JSON', res.status);
    }
    if (typeof json === 'object' && json !== null && !Array.isArray(json) && (json as { success?: unknown }).success === false) {
      const error = (json as { error?: unknown }).error;
      return operationFailedError(sanitizeDetail(typeof error === 'string' ? error : (error as { message?: unknown } | undefined)?.message, secrets), res.status);
    }
    return { status: res.status, headers: res.headers, json };
  }

  /** How long to wait before retrying after `err`, or undefined to give up. */
  private retryDelay(method: HttpMethod, err: ModboxError, attempt: number, responded: boolean): number | undefined {
    if (attempt >= this.maxAttempts) {
      return undefined;
    }
    if (method === 'DELETE') {
      return !responded && errorCodes(err).some((c) => NOT_SENT_CODES.has(c)) ? this.backoff(attempt) : undefined;
    }
    if (method !== 'GET') {
      return undefined;
    }
    if (err.kind === 'rateLimited' || (err.kind === 'server' && err.retryAfterMs !== undefined)) {
      const wait = err.retryAfterMs ?? this.backoff(attempt);
      return wait <= this.maxRetryAfterMs ? wait : undefined;
    }
    if (err.kind === 'server' || err.kind === 'timeout' || err.kind === 'offline') {
      return this.backoff(attempt);
    }
    return undefined;
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.baseBackoffMs * 2 ** (attempt - 1), 5_000);
    // "Equal jitter": at least half the ceiling, so retries never hammer.
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        timer.cancel();
        reject(cancelledError());
      };
      const timer = this.clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The token and the body's credential fields: what a server might echo back in an error. */
function requestSecrets(opts: RequestOptions): string[] {
  const secrets = opts.token ? [opts.token] : [];
  if (typeof opts.body === 'object' && opts.body !== null) {
    for (const [key, value] of Object.entries(opts.body as Record<string, unknown>)) {
      if (typeof value === 'string' && /token|password|secret/i.test(key)) {
        secrets.push(value);
      }
    }
  }
  return secrets;
}

function safeHost(url: URL): string {
  return url.host || 'another site';
}

/** Retry-After as delta-seconds or an HTTP date, in ms from now; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Math.min(Number(trimmed), 86_400) * 1000;
  }
  // An HTTP date always names a month; anything else ("-5") is garbage, not a date.
  const date = /[a-z]{3}/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, Math.min(date - now, 86_400_000));
}
