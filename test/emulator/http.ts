/** Request/reply shapes, a tiny router, and FastAPI-style error bodies. */
import type { IncomingHttpHeaders } from 'node:http';

export interface Req {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  params: Record<string, string>;
  /** Fires when the client goes away (a held request stops waiting). */
  signal?: AbortSignal;
}

export interface Reply {
  status: number;
  json?: unknown;
  html?: string;
  /** Sent as is, with this content type (for deliberately broken bodies). */
  raw?: { contentType: string; body: string };
  headers?: Record<string, string>;
}

export type Handler = (req: Req) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  pattern: string;
  handler: Handler;
}

export function detail(status: number, message: string, headers?: Record<string, string>): Reply {
  return { status, json: { detail: message }, headers };
}

export const notAuthenticated = (): Reply => detail(401, 'Not authenticated', { 'WWW-Authenticate': 'Bearer' });

/** Thrown by validators and handlers; turned into its reply by the server. */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

export interface FieldError {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

export function unprocessable(errors: FieldError[]): ReplyError {
  return new ReplyError({ status: 422, json: { detail: errors } });
}

/** Parses a JSON object body the way FastAPI reports failures (422 json_invalid / model_attributes_type). */
export function jsonBody(req: Req): Record<string, unknown> {
  const text = req.body.toString('utf8');
  if (text.trim() === '') {
    throw unprocessable([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw unprocessable([{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: (e as Error).message } }]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unprocessable([{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: value }]);
  }
  return value as Record<string, unknown>;
}

/** Collects FastAPI-shaped field errors for a body. */
export class BodyCheck {
  readonly errors: FieldError[] = [];
  constructor(private readonly body: Record<string, unknown>) {}

  string(field: string, opts: { required: boolean; min?: number; max?: number; nullable?: boolean }): string | null | undefined {
    const loc = ['body', field];
    const hasField = Object.prototype.hasOwnProperty.call(this.body, field);
    const v = hasField ? this.body[field] : undefined;
    if (v === undefined) {
      if (opts.required) {
        this.errors.push({ type: 'missing', loc, msg: 'Field required', input: this.body });
      }
      return undefined;
    }
    if (v === null && opts.nullable) {
      return null;
    }
    if (typeof v !== 'string') {
      this.errors.push({ type: 'string_type', loc, msg: 'Input should be a valid string', input: v });
      return undefined;
    }
    if (opts.min !== undefined && v.length < opts.min) {
      this.errors.push({ type: 'string_too_short', loc, msg: `String should have at least ${opts.min} character${opts.min === 1 ? '' : 's'}`, input: v, ctx: { min_length: opts.min } });
      return undefined;
    }
    if (opts.max !== undefined && v.length > opts.max) {
      this.errors.push({ type: 'string_too_long', loc, msg: `String should have at most ${opts.max} characters`, input: v, ctx: { max_length: opts.max } });
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], required: boolean): T | undefined {
    const v = this.string(field, { required });
    if (v === undefined || v === null) {
      return undefined;
    }
    if (!allowed.includes(v as T)) {
      const expected = allowed.map((a) => `'${a}'`).join(', ');
      this.errors.push({ type: 'enum', loc: ['body', field], msg: `Input should be ${expected}`, input: v, ctx: { expected } });
      return undefined;
    }
    return v as T;
  }

  int(field: string, opts: { required: boolean; min: number; max: number }): number | undefined {
    const v = this.body[field];
    const loc = ['body', field];
    if (v === undefined || v === null) {
      if (opts.required) {
        this.errors.push({ type: 'missing', loc, msg: 'Field required', input: this.body });
      }
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.errors.push({ type: 'int_type', loc, msg: 'Input should be a valid integer', input: v });
      return undefined;
    }
    if (v < opts.min) {
      this.errors.push({ type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${opts.min}`, input: v, ctx: { ge: opts.min } });
      return undefined;
    }
    if (v > opts.max) {
      this.errors.push({ type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${opts.max}`, input: v, ctx: { le: opts.max } });
      return undefined;
    }
    return v;
  }

  /** Throws the 422 when anything failed. */
  done(): void {
    if (this.errors.length > 0) {
      throw unprocessable(this.errors);
    }
  }
}

/** Matches "/workspaces/:id/members" against a path; the params, or undefined. */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (got[i] === '') {
        return undefined;
      }
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return undefined;
      }
    } else if (want[i] !== got[i]) {
      return undefined;
    }
  }
  return params;
}

export type RouteLookup =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'methodNotAllowed' }
  | { kind: 'slash'; location: string }
  | { kind: 'notFound' };

/** Finds the route; like Starlette, a path that only differs by a trailing slash gets a 307. */
export function lookup(routes: readonly Route[], method: string, path: string): RouteLookup {
  let pathKnown = false;
  for (const r of routes) {
    const params = matchPattern(r.pattern, path);
    if (params) {
      if (r.method === method) {
        return { kind: 'found', route: r, params };
      }
      pathKnown = true;
    }
  }
  if (pathKnown) {
    return { kind: 'methodNotAllowed' };
  }
  const other = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
  if (other !== '' && routes.some((r) => matchPattern(r.pattern, other))) {
    return { kind: 'slash', location: other };
  }
  return { kind: 'notFound' };
}

/** Hides credential-like path segments (DELETE /api-tokens/mbx_...) in anything logged. */
export function redactPath(path: string): string {
  return path.replace(/\/(mbx_|eyJ)[^/]*/g, (_m, p: string) => `/${p}[redacted]`);
}
