/**
 * The Modbox emulator: a real HTTP server on loopback that implements the
 * API contract, with a control surface for tests (in process, and over HTTP
 * under /__emulator/ for tests that run in another process).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createControlRoutes } from './control';
import { ADA_EMAIL, SANDBOX_STATES, buildStore } from './data';
import type { SandboxState, SeedOption, Store } from './data';
import { FaultTable, PROXY_ERROR_PAGE, hostileBody, malformedBody, validateFault } from './faults';
import type { Fault } from './faults';
import { ReplyError, detail, lookup, redactPath } from './http';
import type { Reply, Req, Route } from './http';
import { createRoutes, zeroCounters } from './routes';
import { reapExpired, seedSandboxes } from './sandboxes';
import type { Counters, EmulatorConfig } from './routes';
import { SessionStore } from './sessions';
import type { TokenSet } from './sessions';

export type { EmulatorConfig } from './routes';
export type { Fault } from './faults';
export type { TokenSet } from './sessions';

export interface EmulatorOptions extends Partial<EmulatorConfig> {
  /** Loopback only; default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  seed?: SeedOption;
  /** Faults active from the start (and again after reset()). */
  faults?: Array<{ route: string; fault: Fault }>;
  /** Epoch ms; default Date.now. advanceClock() adds to it. */
  now?: () => number;
  /** Receives one line per request (method, path without query, status, ms); never token values. */
  log?: (line: string) => void;
  /** Serve HTTPS with this PEM certificate and key (e.g. for a name a test proxy resolves); `url` becomes https://. */
  tls?: { cert: string; key: string };
}

export interface RequestRecord {
  method: string;
  /** Without the query; token-looking segments redacted. */
  path: string;
  /** 0 when the connection was reset or hung without an answer. */
  status: number;
  ms: number;
  workspaceId: string | null;
  auth: 'none' | 'jwt' | 'mbx' | 'other';
  fault: string | null;
}

export interface Stats extends Counters {
  requests: RequestRecord[];
}

export interface Emulator {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
  /** Restores the seed, the start-up config and faults; clears stats and sessions (issued tokens stop working). */
  reset(seed?: SeedOption): void;
  setFault(route: string, fault: Fault | undefined): void;
  clearFaults(): void;
  faults(): Array<{ route: string; fault: Fault; remaining: number | null }>;
  setConfig(partial: Partial<EmulatorConfig>): EmulatorConfig;
  config(): EmulatorConfig;
  stats(): Stats;
  resetStats(): void;
  /** Every access token, refresh token and mbx_ token value ever issued (seeded tokens included). */
  issuedSecrets(): string[];
  /** A signed-in session as SSO would give it (default user ada@example.com). */
  mintSession(email?: string): TokenSet;
  /** Moves the emulator's clock forward (tokens expire without waiting). */
  advanceClock(seconds: number): void;
  /** The live data, for in-process assertions. */
  data(): Store;
  /** Adds `count` sandboxes in one state to a workspace (benchmarks); returns how many. */
  seedSandboxes(workspaceId: string, count: number, status?: SandboxState): number;
  /** Forces a sandbox (by id) into a state, e.g. 'failed'; 'destroyed' destroys it. */
  setSandboxStatus(sandboxId: string, status: SandboxState): void;
  /** Runs the TTL reaper now; returns how many sandboxes it destroyed. */
  reapSandboxes(): number;
}

const MAX_BODY = 1024 * 1024;
const MAX_LOG = 5000;

export const DEFAULT_CONFIG: EmulatorConfig = {
  accessTtlSeconds: 300,
  refreshTtlSeconds: 1800,
  rotateRefreshTokens: true,
  revokeFamilyOnReuse: false,
  ssoResponseMode: 'fragment',
  autoConsent: null,
  latencyMs: 0,
  ssoEmail: ADA_EMAIL,
  trustedRedirectOrigins: [],
  slashRedirectOrigin: null,
  sandboxProvisionMs: 1500,
  sandboxOutcome: 'running',
  reaperTickMs: 60_000,
};

/** Validates a partial config from JSON or the CLI; throws a message fit for a 400. */
export function validateConfig(input: unknown): Partial<EmulatorConfig> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('config must be an object');
  }
  const src = input as Record<string, unknown>;
  const out: Partial<EmulatorConfig> = {};
  const positive = (k: 'accessTtlSeconds' | 'refreshTtlSeconds' | 'latencyMs' | 'sandboxProvisionMs' | 'reaperTickMs', min: number, max: number): void => {
    const v = src[k];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new Error(`${k} must be a number from ${min} to ${max}`);
    }
    out[k] = v;
  };
  positive('accessTtlSeconds', 1, 86_400 * 365);
  positive('refreshTtlSeconds', 1, 86_400 * 365);
  positive('latencyMs', 0, 120_000);
  positive('sandboxProvisionMs', 0, 3_600_000);
  positive('reaperTickMs', 10, 3_600_000);
  if (src.sandboxOutcome !== undefined) {
    if (src.sandboxOutcome !== 'running' && src.sandboxOutcome !== 'failed') throw new Error('sandboxOutcome must be running or failed');
    out.sandboxOutcome = src.sandboxOutcome;
  }
  for (const k of ['rotateRefreshTokens', 'revokeFamilyOnReuse'] as const) {
    if (src[k] !== undefined) {
      if (typeof src[k] !== 'boolean') throw new Error(`${k} must be a boolean`);
      out[k] = src[k];
    }
  }
  if (src.ssoResponseMode !== undefined) {
    if (src.ssoResponseMode !== 'fragment' && src.ssoResponseMode !== 'query') throw new Error('ssoResponseMode must be fragment or query');
    out.ssoResponseMode = src.ssoResponseMode;
  }
  if (src.autoConsent !== undefined) {
    const v = src.autoConsent === 'off' ? null : src.autoConsent;
    if (v !== null && v !== 'approve' && v !== 'deny') throw new Error('autoConsent must be approve, deny, off or null');
    out.autoConsent = v;
  }
  if (src.ssoEmail !== undefined) {
    if (typeof src.ssoEmail !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(src.ssoEmail)) throw new Error('ssoEmail must be an email address');
    out.ssoEmail = src.ssoEmail;
  }
  if (src.trustedRedirectOrigins !== undefined) {
    const v = src.trustedRedirectOrigins;
    if (!Array.isArray(v) || v.some((o) => typeof o !== 'string')) throw new Error('trustedRedirectOrigins must be a list of origins');
    out.trustedRedirectOrigins = v as string[];
  }
  if (src.slashRedirectOrigin !== undefined) {
    const v = src.slashRedirectOrigin;
    if (v !== null && (typeof v !== 'string' || !/^https?:\/\/[^/]+$/.test(v))) throw new Error('slashRedirectOrigin must be an origin or null');
    out.slashRedirectOrigin = v;
  }
  return out;
}

export function isLoopbackAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').replace(/^::ffff:/, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function describeFault(f: Fault): string {
  return f.kind === 'status' || f.kind === 'html' ? `${f.kind}:${f.status}` : f.kind === 'hostile' ? `hostile:${f.variant}` : f.kind;
}

function authKind(header: string | undefined): RequestRecord['auth'] {
  if (!header) return 'none';
  const m = /^Bearer\s+(\S+)/i.exec(header);
  if (!m) return 'other';
  return m[1].startsWith('mbx_') ? 'mbx' : m[1].startsWith('eyJ') ? 'jwt' : 'other';
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host)) {
    throw new Error(`the emulator only listens on loopback addresses, not ${host}`);
  }
  const startConfig: EmulatorConfig = { ...DEFAULT_CONFIG, ...validateConfig(pickConfig(opts)) };
  const baseNow = opts.now ?? Date.now;
  let offsetMs = 0;
  const now = (): number => baseNow() + offsetMs;

  let url = '';
  let port = 0;
  let seed: SeedOption = opts.seed ?? 'default';
  let config: EmulatorConfig = { ...startConfig };
  let counters = zeroCounters();
  let requests: RequestRecord[] = [];
  const issued = new Set<string>();
  const faultTable = new FaultTable();
  const startFaults = (): void => {
    faultTable.clear();
    for (const f of opts.faults ?? []) faultTable.set(f.route, validateFault(f.fault));
  };
  startFaults();
  const addSeededSecrets = (s: Store): Store => {
    for (const t of s.tokens.values()) issued.add(t.value);
    return s;
  };
  let store = addSeededSecrets(buildStore(seed));
  const sessions = new SessionStore(randomBytes(32), () => url, now, (s) => issued.add(s));

  const apiRoutes: Route[] = createRoutes({
    store: () => store, sessions, config: () => config, counters: () => counters, now, url: () => url,
    issued: (s) => issued.add(s),
  });

  const emulator: Emulator = {
    get url() { return url; },
    host,
    get port() { return port; },
    close: () => new Promise<void>((resolve) => {
      clearTimeout(reaper);
      server.close(() => resolve());
      server.closeAllConnections();
    }),
    reset(newSeed?: SeedOption) {
      if (newSeed !== undefined) seed = newSeed;
      store = addSeededSecrets(buildStore(seed));
      sessions.clear();
      config = { ...startConfig };
      clearTimeout(reaper);
      scheduleReaper();
      offsetMs = 0;
      startFaults();
      emulator.resetStats();
    },
    setFault: (route, fault) => faultTable.set(route, fault === undefined ? undefined : validateFault(fault)),
    clearFaults: () => faultTable.clear(),
    faults: () => faultTable.list(),
    setConfig(partial) {
      const tick = config.reaperTickMs;
      config = { ...config, ...validateConfig(partial) };
      if (config.reaperTickMs !== tick) {
        clearTimeout(reaper);
        scheduleReaper();
      }
      return { ...config };
    },
    config: () => ({ ...config }),
    stats: () => ({ ...counters, requests: requests.map((r) => ({ ...r })) }),
    resetStats() {
      counters = zeroCounters();
      requests = [];
    },
    issuedSecrets: () => [...issued],
    mintSession(email = ADA_EMAIL) {
      counters.sessionsMinted++;
      return sessions.start(store.ensureUser(email, new Date(now()).toISOString()), config);
    },
    advanceClock(seconds: number) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new Error('advanceSeconds must be a non-negative number');
      offsetMs += seconds * 1000;
    },
    data: () => store,
    seedSandboxes: (workspaceId, count, status = 'running') =>
      seedSandboxes(store, workspaceId, count, status, now(), config.sandboxProvisionMs),
    setSandboxStatus(sandboxId, status) {
      const sb = store.sandboxes.get(sandboxId);
      if (!sb) throw new Error('sandbox_id must name an existing sandbox');
      if (!SANDBOX_STATES.includes(status)) throw new Error(`status must be one of ${SANDBOX_STATES.join(', ')}`);
      sb.updatedAt = new Date(now()).toISOString();
      if (status === 'destroyed') {
        sb.destroyedAt = sb.updatedAt;
      } else {
        sb.destroyedAt = null;
        sb.forcedStatus = status;
      }
    },
    reapSandboxes: () => reapExpired(store, now()),
  };
  // The reaper: like Modbox's, it runs on a tick, so a sandbox may outlive its TTL by up to one tick.
  let reaper: NodeJS.Timeout | undefined;
  const scheduleReaper = (): void => {
    reaper = setTimeout(() => {
      reapExpired(store, now());
      scheduleReaper();
    }, config.reaperTickMs);
    reaper.unref();
  };
  scheduleReaper();
  const controlRoutes = createControlRoutes(emulator);

  const record = (rec: RequestRecord): void => {
    requests.push(rec);
    if (requests.length > MAX_LOG) requests.splice(0, requests.length - MAX_LOG);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      opts.log?.(`internal error: ${(e as Error).message}`);
      if (!res.headersSent) {
        send(res, { status: 500, json: { detail: 'Internal Server Error' } });
      } else {
        res.destroy();
      }
    });
  };
  const server = opts.tls ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest) : createServer(onRequest);
  const scheme = opts.tls ? 'https' : 'http';
  // A client dropping a connection mid-request is normal here; do not crash.
  server.on('clientError', (_err, socket) => socket.destroy());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    const query = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '');
    const isControl = path.startsWith('/__emulator/');
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const rec: RequestRecord = {
      method, path: redactPath(path), status: 0, ms: 0, workspaceId: header('x-workspace-id') ?? null,
      auth: authKind(header('authorization')), fault: null,
    };
    const finish = (status: number): void => {
      rec.status = status;
      rec.ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
      if (!isControl) record(rec);
      opts.log?.(`${method} ${rec.path} ${status === 0 ? 'no-response' : status} ${rec.ms}ms`);
    };

    const body = await readBody(req);
    if (body === 'tooLarge') {
      send(res, detail(413, 'Request body too large'));
      finish(413);
      return;
    }

    if (isControl) {
      if (!isLoopbackAddress(req.socket.remoteAddress ?? '')) {
        send(res, detail(403, 'Control API is loopback only'));
        finish(403);
        return;
      }
      const reply = await dispatch(controlRoutes, { method, path, query, headers: req.headers, body, params: {} });
      send(res, reply);
      finish(reply.status);
      return;
    }

    const { delayMs, fault } = faultTable.take(method, path);
    if (fault) {
      counters.faultsApplied++;
      rec.fault = describeFault(fault);
    }
    const wait = config.latencyMs + delayMs;
    if (wait > 0) {
      await new Promise((r) => setTimeout(r, wait).unref());
      if (res.destroyed || req.socket.destroyed) {
        finish(0);
        return;
      }
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      finish(0);
      return;
    }
    if (fault?.kind === 'hang') {
      // Never answer; close() or the client ends it.
      res.on('close', () => finish(0));
      return;
    }
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const reply = fault ? faultReply(fault, path)
      : await dispatch(apiRoutes, { method, path, query, headers: req.headers, body, params: {}, signal: gone.signal }, req);
    if (gone.signal.aborted || res.destroyed) {
      finish(0);
      return;
    }
    send(res, reply);
    finish(reply.status);
  }

  async function dispatch(routes: readonly Route[], r: Req, req?: IncomingMessage): Promise<Reply> {
    const found = lookup(routes, r.method, r.path);
    switch (found.kind) {
      case 'found':
        try {
          return await found.route.handler({ ...r, params: found.params });
        } catch (e) {
          if (e instanceof ReplyError) return e.reply;
          throw e;
        }
      case 'methodNotAllowed':
        return detail(405, 'Method Not Allowed');
      case 'notFound':
        return detail(404, 'Not Found');
      case 'slash': {
        const origin = config.slashRedirectOrigin ?? (req?.headers.host ? `${scheme}://${req.headers.host}` : url);
        const q = r.query.toString();
        return { status: 307, headers: { Location: `${origin}${found.location}${q ? `?${q}` : ''}` } };
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return emulator;
}

function pickConfig(opts: EmulatorOptions): Partial<EmulatorConfig> {
  const keys = Object.keys(DEFAULT_CONFIG) as Array<keyof EmulatorConfig>;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (opts[k] !== undefined) out[k] = opts[k];
  }
  return out as Partial<EmulatorConfig>;
}

function faultReply(fault: Fault, path: string): Reply {
  switch (fault.kind) {
    case 'status':
      return detail(fault.status, fault.detail ?? 'Injected failure');
    case 'rateLimit':
      return { status: 429, json: { detail: 'Too Many Requests' }, headers: { 'Retry-After': String(fault.retryAfterSeconds) } };
    case 'malformed':
      return { status: 200, raw: { contentType: 'application/json', body: malformedBody(path) } };
    case 'html':
      return { status: fault.status, raw: { contentType: 'text/html', body: PROXY_ERROR_PAGE(fault.status) } };
    case 'hostile':
      return { status: 200, raw: { contentType: 'application/json', body: hostileBody(fault.variant, path) } };
    default:
      // latency/reset/hang never get here.
      return detail(500, 'Injected failure');
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        if (!done) {
          done = true;
          resolve('tooLarge');
        }
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    // An aborted request resolves with what arrived; its answer goes nowhere.
    req.on('error', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('close', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
  });
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...reply.headers };
  let payload: string | undefined;
  if (reply.raw) {
    headers['Content-Type'] = reply.raw.contentType;
    payload = reply.raw.body;
  } else if (reply.html !== undefined) {
    headers['Content-Type'] = 'text/html; charset=utf-8';
    payload = reply.html;
  } else if (reply.json !== undefined && reply.status !== 204) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(reply.json);
  }
  if (payload !== undefined) headers['Content-Length'] = String(Buffer.byteLength(payload));
  if (reply.status === 302) headers['Referrer-Policy'] = 'no-referrer';
  res.writeHead(reply.status, headers);
  res.end(payload);
}
