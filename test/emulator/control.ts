/** /__emulator/: the in-process control surface, over HTTP, for tests running in another process. */
import type { SandboxState, SeedOption } from './data';
import { ReplyError, detail } from './http';
import type { Reply, Req, Route } from './http';
import type { Emulator } from './server';

function body(req: Req): Record<string, unknown> {
  const text = req.body.toString('utf8').trim();
  if (text === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // Fall through to the 400 below.
  }
  throw new ReplyError(detail(400, 'body must be a JSON object'));
}

/** Runs an emulator call, turning its validation errors into 400s. */
function attempt(fn: () => Reply): Reply {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ReplyError) throw e;
    return detail(400, (e as Error).message);
  }
}

function parseSeed(v: unknown): SeedOption | undefined {
  if (v === undefined) return undefined;
  if (v === 'default' || v === 'hostile') return v;
  if (typeof v === 'object' && v !== null) {
    const { workspaces, tokens } = v as Record<string, unknown>;
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 100_000;
    if (ok(workspaces) && ok(tokens)) return { workspaces, tokens };
  }
  throw new Error('seed must be "default", "hostile" or {"workspaces": n, "tokens": m} (0-100000)');
}

export function createControlRoutes(em: Emulator): Route[] {
  const P = '/__emulator';
  return [
    { method: 'POST', pattern: `${P}/reset`, handler: (req) => attempt(() => {
      em.reset(parseSeed(body(req).seed));
      return { status: 200, json: { ok: true } };
    }) },
    { method: 'GET', pattern: `${P}/faults`, handler: () => ({ status: 200, json: { faults: em.faults() } }) },
    { method: 'POST', pattern: `${P}/faults`, handler: (req) => attempt(() => {
      const b = body(req);
      if (typeof b.route !== 'string') throw new Error('route must be a string');
      em.setFault(b.route, b.fault === null || b.fault === undefined ? undefined : (b.fault as never));
      return { status: 200, json: { faults: em.faults() } };
    }) },
    { method: 'DELETE', pattern: `${P}/faults`, handler: () => {
      em.clearFaults();
      return { status: 204 };
    } },
    { method: 'GET', pattern: `${P}/config`, handler: () => ({ status: 200, json: em.config() }) },
    { method: 'POST', pattern: `${P}/config`, handler: (req) => attempt(() => ({ status: 200, json: em.setConfig(body(req)) })) },
    { method: 'GET', pattern: `${P}/stats`, handler: () => ({ status: 200, json: em.stats() }) },
    { method: 'POST', pattern: `${P}/stats/reset`, handler: () => {
      em.resetStats();
      return { status: 204 };
    } },
    { method: 'GET', pattern: `${P}/issued-secrets`, handler: () => ({ status: 200, json: { secrets: em.issuedSecrets() } }) },
    { method: 'POST', pattern: `${P}/session`, handler: (req) => attempt(() => {
      const email = body(req).email;
      if (email !== undefined && (typeof email !== 'string' || !email.includes('@'))) throw new Error('email must be an email address');
      return { status: 200, json: em.mintSession(email) };
    }) },
    { method: 'POST', pattern: `${P}/seed-sandboxes`, handler: (req) => attempt(() => {
      const b = body(req);
      const workspaceId = b.workspace_id ?? b.workspaceId;
      if (typeof workspaceId !== 'string') throw new Error('workspace_id must be a workspace id');
      if (typeof b.count !== 'number') throw new Error('count must be a number');
      const status = b.status === undefined ? 'running' : b.status;
      return { status: 200, json: { created: em.seedSandboxes(workspaceId, b.count, status as SandboxState) } };
    }) },
    { method: 'POST', pattern: `${P}/sandbox-status`, handler: (req) => attempt(() => {
      const b = body(req);
      if (typeof b.sandbox_id !== 'string') throw new Error('sandbox_id must be a sandbox id');
      em.setSandboxStatus(b.sandbox_id, b.status as SandboxState);
      return { status: 200, json: { ok: true } };
    }) },
    { method: 'POST', pattern: `${P}/reap`, handler: () => ({ status: 200, json: { reaped: em.reapSandboxes() } }) },
    { method: 'POST', pattern: `${P}/clock`, handler: (req) => attempt(() => {
      const s = body(req).advanceSeconds;
      if (typeof s !== 'number') throw new Error('advanceSeconds must be a number');
      em.advanceClock(s);
      return { status: 200, json: { ok: true } };
    }) },
  ];
}
