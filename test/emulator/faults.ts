/**
 * Fault injection: what a flaky network, a proxy or a hostile server does to
 * a request. Faults are keyed by route ("GET /workspaces", "DELETE
 * /api-tokens/*", "*") and may expire after `times` matching requests.
 */

export type HostileVariant = 'huge' | 'deep' | 'wrongTypes' | 'proto' | 'markup' | 'null' | 'empty';
export const HOSTILE_VARIANTS: readonly HostileVariant[] = ['huge', 'deep', 'wrongTypes', 'proto', 'markup', 'null', 'empty'];

export type FaultKind =
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: number; detail?: string }
  | { kind: 'rateLimit'; retryAfterSeconds: number }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'html'; status: number }
  | { kind: 'hostile'; variant: HostileVariant };

/** `times`: apply to the next n matching requests only, then clear itself. */
export type Fault = FaultKind & { times?: number };

interface Entry {
  route: string;
  fault: Fault;
  remaining: number;
}

const MAX_LATENCY_MS = 120_000;

/** Checks a fault from JSON or the CLI; throws a message fit for a 400 answer. */
export function validateFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null) {
    throw new Error('fault must be an object');
  }
  const f = input as Record<string, unknown>;
  const times = f.times;
  if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1)) {
    throw new Error('times must be a positive integer');
  }
  const withTimes = <T extends FaultKind>(k: T): Fault => (times === undefined ? k : { ...k, times: times as number });
  const num = (key: string, min: number, max: number): number => {
    const v = f[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new Error(`${key} must be a number from ${min} to ${max}`);
    }
    return v;
  };
  switch (f.kind) {
    case 'latency':
      return withTimes({ kind: 'latency', ms: num('ms', 0, MAX_LATENCY_MS) });
    case 'status':
      return withTimes({ kind: 'status', status: num('status', 400, 599), ...(typeof f.detail === 'string' ? { detail: f.detail } : {}) });
    case 'rateLimit':
      return withTimes({ kind: 'rateLimit', retryAfterSeconds: num('retryAfterSeconds', 0, 86_400) });
    case 'html':
      return withTimes({ kind: 'html', status: f.status === undefined ? 502 : num('status', 400, 599) });
    case 'reset':
    case 'hang':
    case 'malformed':
      return withTimes({ kind: f.kind });
    case 'hostile': {
      const variant = f.variant ?? 'markup';
      if (!HOSTILE_VARIANTS.includes(variant as HostileVariant)) {
        throw new Error(`variant must be one of ${HOSTILE_VARIANTS.join(', ')}`);
      }
      return withTimes({ kind: 'hostile', variant: variant as HostileVariant });
    }
    default:
      throw new Error('kind must be one of latency, status, rateLimit, reset, hang, malformed, html, hostile');
  }
}

/**
 * CLI form `ROUTE=KIND[:ARG][@TIMES]`, e.g. `GET /workspaces=status:503@2`,
 * `*=latency:200`, `POST /auth/refresh=rateLimit:5`, `GET /api-tokens/=hostile:deep`.
 */
export function parseFaultSpec(spec: string): { route: string; fault: Fault } {
  const eq = spec.lastIndexOf('=');
  if (eq <= 0) {
    throw new Error(`bad --fault "${spec}": expected ROUTE=KIND[:ARG][@TIMES]`);
  }
  const route = normaliseRoute(spec.slice(0, eq));
  let rest = spec.slice(eq + 1);
  let times: number | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    times = Number(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  const [kind, arg] = rest.split(':', 2);
  const n = arg === undefined ? undefined : Number(arg);
  const raw: Record<string, unknown> = { kind, times };
  if (kind === 'latency') raw.ms = n;
  if (kind === 'status' || kind === 'html') raw.status = n;
  if (kind === 'rateLimit') raw.retryAfterSeconds = n ?? 1;
  if (kind === 'hostile') raw.variant = arg;
  return { route, fault: validateFault(raw) };
}

/** "get  /workspaces" -> "GET /workspaces"; "*" stays. */
export function normaliseRoute(route: string): string {
  const trimmed = route.trim();
  if (trimmed === '*') {
    return '*';
  }
  const m = /^([A-Za-z*]+)\s+(\/\S*)$/.exec(trimmed);
  if (!m) {
    throw new Error(`route must be "*" or "METHOD /path" (got "${route}")`);
  }
  return `${m[1].toUpperCase()} ${m[2]}`;
}

function globToRegExp(glob: string): RegExp {
  const part = (p: string): string => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${glob.split('**').map(part).join('.*')}$`);
}

/** Whether "METHOD /glob" matches a request. `*` is one path segment, `**` anything; method `*` is any method. */
export function routeMatches(route: string, method: string, path: string): boolean {
  if (route === '*') {
    return true;
  }
  const space = route.indexOf(' ');
  const m = route.slice(0, space);
  return (m === '*' || m === method) && globToRegExp(route.slice(space + 1)).test(path);
}

export class FaultTable {
  private entries: Entry[] = [];

  set(route: string, fault: Fault | undefined): void {
    const key = normaliseRoute(route);
    this.entries = this.entries.filter((e) => e.route !== key);
    if (fault) {
      this.entries.push({ route: key, fault: validateFault(fault), remaining: fault.times ?? Infinity });
    }
  }

  clear(): void {
    this.entries = [];
  }

  list(): Array<{ route: string; fault: Fault; remaining: number | null }> {
    return this.entries.map((e) => ({ route: e.route, fault: e.fault, remaining: Number.isFinite(e.remaining) ? e.remaining : null }));
  }

  /**
   * The faults for one request, consuming a `times` use from each: all
   * matching latency faults add up; the first other matching fault decides the answer.
   */
  take(method: string, path: string): { delayMs: number; fault: Fault | undefined } {
    let delayMs = 0;
    let fault: Fault | undefined;
    for (const e of this.entries) {
      if (!routeMatches(e.route, method, path)) {
        continue;
      }
      if (e.fault.kind === 'latency') {
        delayMs += e.fault.ms;
      } else if (fault) {
        continue;
      } else {
        fault = e.fault;
      }
      e.remaining -= 1;
    }
    this.entries = this.entries.filter((e) => e.remaining > 0);
    return { delayMs, fault };
  }
}

export const PROXY_ERROR_PAGE = (status: number): string =>
  `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

/** A body that starts like the real answer and stops mid-way. */
export function malformedBody(path: string): string {
  return path.startsWith('/workspaces') ? '{"workspaces": [{"id": "0b000000-0000-4000-8000-0000000' : '[{"id": "0d000000-0000-4000-8000-00000000000';
}

const WORKSPACE_DETAIL = /^\/workspaces\/[^/]+$/;
/** The sandbox calls that answer `{success, error, ...}` or `{ready, ...}`, not a sandbox. */
const SANDBOX_ACTION = /^\/sandboxes\/(provision|wait|destroy)$/;
/** A server error message that tries every way of becoming live text: Markdown command links, icons, HTML, bidi. */
export const HOSTILE_ERROR = '[Open settings](command:workbench.action.openSettings) $(alert) <img src=x onerror=alert(1)> \u202Eevil **bold**';

/**
 * Wraps items the way the real route would (array for /api-tokens/,
 * {workspaces}, {sandboxes}, else the first item). A workspace detail gets
 * `membersJson` as its member list, so hostile members reach the client too.
 */
function shaped(path: string, itemsJson: string[], membersJson: string[] = []): string {
  if (path.startsWith('/api-tokens')) return `[${itemsJson.join(',')}]`;
  if (path === '/workspaces') return `{"workspaces":[${itemsJson.join(',')}]}`;
  if (path === '/sandboxes') return `{"sandboxes":[${itemsJson.join(',')}]}`;
  if (path === '/sandbox-images') return `{"images":[${itemsJson.join(',')}]}`;
  const first = itemsJson[0] ?? '{}';
  return WORKSPACE_DETAIL.test(path) ? `{"members":[${membersJson.join(',')}],${first.slice(1)}` : first;
}

const hostileCache = new Map<string, string>();

/** Hostile-but-200 bodies; see README for what each variant checks. Cached: the big ones are slow to build. */
export function hostileBody(variant: HostileVariant, path: string): string {
  const key = `${variant} ${path.startsWith('/api-tokens') ? '/api-tokens/' : path}`;
  let body = hostileCache.get(key);
  if (body === undefined) {
    body = buildHostileBody(variant, path);
    hostileCache.set(key, body);
  }
  return body;
}

function buildHostileBody(variant: HostileVariant, path: string): string {
  switch (variant) {
    case 'huge': {
      // About 8 MB of well-formed JSON: many items with long strings.
      const item = (i: number): string => JSON.stringify({
        id: `0f000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`, name: `huge-${i}-${'x'.repeat(4000)}`,
        description: 'y'.repeat(4000), token_prefix: 'mbx_huge', role: 'member', created_at: '2025-01-15T09:00:00Z', last_used_at: null,
      });
      return shaped(path, Array.from({ length: 1000 }, (_, i) => item(i)));
    }
    case 'deep':
      return '['.repeat(100_000) + ']'.repeat(100_000);
    case 'wrongTypes':
      if (path === '/workspaces' || path === '/sandboxes') {
        return `{"${path.slice(1)}": "not-a-list", "detail": 42}`;
      }
      if (path === '/sandbox-images') {
        return '{"images": "not-a-list", "detail": 42}';
      }
      if (SANDBOX_ACTION.test(path)) {
        return '{"success": "yes", "ready": "maybe", "sandbox_id": 12345, "sandbox_url": ["x"], "status": 7, "elapsed_seconds": "long"}';
      }
      if (WORKSPACE_DETAIL.test(path)) {
        return shaped(path, ['{"id": 12345, "name": null, "description": ["a"], "role": 7, "created_at": "not a date", "member_count": "many"}'], [
          '{"id": true, "user_id": 12345, "email": ["a"], "role": 7, "created_at": {}}', '"just a string"', 'null', '42',
        ]);
      }
      return shaped(path, [
        '{"id": 12345, "name": null, "description": ["a"], "token_prefix": {"x": 1}, "role": 7, "created_at": "not a date", "last_used_at": true, "members": "none"}',
        '"just a string"', 'null', '42',
      ]);
    case 'proto':
      return shaped(path, [
        '{"__proto__": {"polluted": "yes", "isAdmin": true}, "constructor": {"prototype": {"polluted": "yes"}}, "id": "0f000000-0000-4000-8000-000000000001", "name": "proto", "description": "proto", "role": "owner", "token_prefix": "mbx_prot", "created_at": "2025-01-15T09:00:00Z", "last_used_at": null}',
      ], [
        '{"__proto__": {"polluted": "yes", "isAdmin": true}, "constructor": {"prototype": {"polluted": "yes"}}, "id": "0f000000-0000-4000-8000-000000000011", "user_id": "0f000000-0000-4000-8000-000000000021", "email": "proto@example.com", "role": "owner"}',
      ]);
    case 'markup':
      if (SANDBOX_ACTION.test(path)) {
        // The documented 2xx failure, with text that must stay inert wherever it is shown.
        return JSON.stringify({ success: false, error: HOSTILE_ERROR, sandbox_id: null, sandbox_url: null, status: null });
      }
      return shaped(path, [
        JSON.stringify({
          id: '0f000000-0000-4000-8000-000000000002', name: '<script>alert(1)</script>\u001b[2J\u0000\u202E', description: '<img src=x onerror=alert(1)>\n\r\t',
          role: 'owner', realm: 'modbox', token_prefix: 'mbx_<b>x', created_at: '2025-01-15T09:00:00Z', last_used_at: null,
          // Sandbox and image fields: a link the editor must never open, and Markdown/icon syntax in what is shown.
          status: '<b>running</b> $(check)', sandbox_url: 'command:workbench.action.quit', image: '[img](command:workbench.action.quit) $(bug)',
          tag: '<i>latest</i>', enabled: true, is_default: false,
        }),
      ], [
        JSON.stringify({
          id: '0f000000-0000-4000-8000-000000000012', user_id: '0f000000-0000-4000-8000-000000000022',
          email: '<img src=x onerror=alert(1)>\u001b[31m\u202E@example.com', role: '<b>owner</b>\u0000',
        }),
      ]);
    case 'null':
      return 'null';
    case 'empty':
      return '';
  }
}
