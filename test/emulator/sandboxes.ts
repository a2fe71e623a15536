/**
 * Sandboxes and sandbox images as CONTRACT.md describes them: a real
 * lifecycle (provisioning for `sandboxProvisionMs`, then running or failed;
 * TTL expiry by the reaper; destroy), scoping by X-Workspace-Id, and a wait
 * call that really holds the request.
 */
import { randomUuid, sandboxState, SANDBOX_STATES } from './data';
import type { Member, Sandbox, SandboxImage, SandboxState, Store, User, Workspace } from './data';
import { BodyCheck, ReplyError, detail, jsonBody, unprocessable } from './http';
import type { Req, Route } from './http';
import type { ApiContext } from './routes';
import { errorPage } from './sso';

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

interface Scope {
  /** The one workspace the call acts on. */
  ws: Workspace;
  me: Member;
  /** Whether the caller named it (X-Workspace-Id) or it is their default. */
  named: boolean;
}

export interface SandboxHelpers {
  caller: (req: Req, allowApiTokens: boolean) => User;
}

/** The caller's default workspace: the first they own, else the first they belong to. */
export function defaultWorkspace(store: Store, userId: string): { workspace: Workspace; member: Member } | undefined {
  const mine = store.workspacesOf(userId);
  return mine.find((w) => w.member.role === 'owner') ?? mine[0];
}

/** Marks every sandbox whose TTL has passed as destroyed; returns how many. */
export function reapExpired(store: Store, now: number): number {
  let reaped = 0;
  for (const s of store.sandboxes.values()) {
    if (!s.destroyedAt && s.ttlSeconds !== null && now >= Date.parse(s.createdAt) + s.ttlSeconds * 1000) {
      s.destroyedAt = s.updatedAt = new Date(now).toISOString();
      reaped++;
    }
  }
  return reaped;
}

/** Adds `count` sandboxes to a workspace (for benchmarks), named `bench-00001`...; returns how many were added. */
export function seedSandboxes(store: Store, workspaceId: string, count: number, state: SandboxState, now: number, provisionMs: number): number {
  const ws = store.workspaces.get(workspaceId.toLowerCase());
  if (!ws) throw new Error('workspace_id must name an existing workspace');
  if (!Number.isInteger(count) || count < 0 || count > 100_000) throw new Error('count must be a whole number from 0 to 100000');
  if (!SANDBOX_STATES.includes(state)) throw new Error(`status must be one of ${SANDBOX_STATES.join(', ')}`);
  const owner = (store.members.get(ws.id) ?? []).find((m) => m.role === 'owner')?.userId ?? ws.createdBy;
  const taken = new Set([...store.sandboxes.values()].filter((s) => s.workspaceId === ws.id).map((s) => s.taskId));
  let added = 0;
  for (let i = 1; added < count; i++) {
    const taskId = `bench-${String(i).padStart(5, '0')}`;
    if (taken.has(taskId)) continue;
    const created = new Date(now - (count - added) * 1000).toISOString();
    const id = randomUuid();
    store.sandboxes.set(id, {
      id, taskId, workspaceId: ws.id, name: taskId, image: 'modbox/code-exec:latest', createdAt: created, createdBy: owner,
      updatedAt: created, destroyedAt: state === 'destroyed' ? created : null,
      readyAt: state === 'provisioning' ? now + provisionMs : 0, outcome: state === 'failed' ? 'failed' : 'running',
      envVars: {}, ttlSeconds: null,
    });
    added++;
  }
  return added;
}

export function createSandboxRoutes(ctx: ApiContext, { caller }: SandboxHelpers): Route[] {
  const store = (): Store => ctx.store();
  const nowIso = (): string => new Date(ctx.now()).toISOString();

  /**
   * X-Workspace-Id when given: a member's workspace, else 403 (an unknown id
   * reads the same, so ids do not leak). Without it: the caller's default workspace.
   */
  const scope = (req: Req, user: User): Scope => {
    const header = req.headers['x-workspace-id'];
    const value = Array.isArray(header) ? header[0] : header;
    if (typeof value === 'string' && value !== '') {
      if (!UUID_RE.test(value)) {
        throw unprocessable([{ type: 'uuid_parsing', loc: ['header', 'x-workspace-id'], msg: 'Input should be a valid UUID', input: value }]);
      }
      const ws = store().workspaces.get(value.toLowerCase());
      const me = ws ? store().membership(ws.id, user.id) : undefined;
      if (!ws || !me) {
        throw new ReplyError(detail(403, 'You are not a member of this workspace'));
      }
      return { ws, me, named: true };
    }
    const pick = defaultWorkspace(store(), user.id);
    if (!pick) {
      throw new ReplyError(detail(404, 'Workspace not found'));
    }
    return { ws: pick.workspace, me: pick.member, named: false };
  };

  const urlOf = (s: Sandbox): string => `${ctx.url()}/__sandbox/${s.id}/`;
  const sandboxJson = (s: Sandbox) => ({
    id: s.id, name: s.name, status: sandboxState(s, ctx.now()), sandbox_url: urlOf(s), image: s.image,
    created_at: s.createdAt, created_by: s.createdBy, updated_at: s.updatedAt, destroyed_at: s.destroyedAt,
  });

  /** The live (not destroyed) sandbox of a task in a workspace. */
  const liveByTask = (wsId: string, taskId: string): Sandbox | undefined =>
    [...store().sandboxes.values()].find((s) => s.workspaceId === wsId && s.taskId === taskId && !s.destroyedAt);

  /** The global defaults and the workspace's own images; `is_default` names the one used when a provision names none. */
  const imagesOf = (wsId: string): SandboxImage[] => {
    const all = [...store().images.values()].filter((i) => i.workspaceId === null || i.workspaceId === wsId);
    const own = all.find((i) => i.workspaceId === wsId && i.isDefault && i.enabled);
    return all.map((i) => ({ ...i, isDefault: own ? i === own : i.workspaceId === null && i.isDefault }));
  };
  const imageJson = (i: SandboxImage) => ({
    id: i.id, name: i.name, image: i.image, tag: i.tag, description: i.description, enabled: i.enabled, is_default: i.isDefault,
    is_global: i.workspaceId === null, workspace_id: i.workspaceId, memory_mb: i.memoryMb, readiness_port: i.readinessPort,
    registry_id: i.registryId, ttl_seconds: i.ttlSeconds, created_at: i.createdAt,
  });

  const refused = (error: string) => ({
    status: 200, json: { success: false, error, sandbox_id: null, sandbox_url: null, status: null },
  });

  return [
    {
      method: 'GET', pattern: '/sandboxes', handler: (req) => {
        const user = caller(req, true);
        // Without X-Workspace-Id the list is "my sandboxes": every workspace the caller belongs to.
        const named = req.headers['x-workspace-id'] ? scope(req, user) : undefined;
        const wsIds = new Set(named ? [named.ws.id] : store().workspacesOf(user.id).map((w) => w.workspace.id));
        const status = req.query.get('status');
        const sandboxes = [...store().sandboxes.values()]
          .filter((s) => wsIds.has(s.workspaceId))
          .map(sandboxJson)
          .filter((s) => !status || s.status === status);
        return { status: 200, json: { sandboxes } };
      },
    },
    {
      method: 'GET', pattern: '/sandboxes/detail/:id', handler: (req) => {
        const user = caller(req, true);
        const named = req.headers['x-workspace-id'] ? scope(req, user) : undefined;
        const s = store().sandboxes.get(req.params.id);
        if (!s || !store().membership(s.workspaceId, user.id) || (named && named.ws.id !== s.workspaceId)) {
          return detail(404, 'Sandbox not found');
        }
        return { status: 200, json: sandboxJson(s) };
      },
    },
    {
      method: 'POST', pattern: '/sandboxes/provision', handler: (req) => {
        const user = caller(req, true);
        const { ws, me } = scope(req, user);
        const body = jsonBody(req);
        const check = new BodyCheck(body);
        const taskId = check.string('task_id', { required: true, min: 1, max: 255 });
        const imageId = check.string('image_id', { required: false, min: 1, max: 255, nullable: true });
        const imageRef = check.string('image', { required: false, min: 1, max: 512, nullable: true });
        const ttl = check.int('ttl_seconds', { required: false, min: 60, max: 86_400 });
        const env = body.env_vars;
        if (env !== undefined && env !== null && (typeof env !== 'object' || Array.isArray(env) || Object.values(env).some((v) => typeof v !== 'string'))) {
          check.errors.push({ type: 'dict_type', loc: ['body', 'env_vars'], msg: 'Input should be a valid dictionary of strings', input: env });
        }
        check.done();
        if (me.role === 'viewer') {
          return detail(403, 'Viewers cannot provision sandboxes');
        }
        const task = taskId ?? '';
        if (liveByTask(ws.id, task)) {
          return refused(`A sandbox with task_id "${task}" already exists in this workspace`);
        }
        const images = imagesOf(ws.id);
        let chosen: SandboxImage | undefined;
        if (imageId) {
          chosen = images.find((i) => i.id === imageId.toLowerCase());
          if (!chosen) return refused('Image not found');
          if (!chosen.enabled) return refused(`Image ${chosen.name} is disabled`);
        } else if (!imageRef) {
          chosen = images.find((i) => i.isDefault && i.enabled);
        }
        const cfg = ctx.config();
        const now = nowIso();
        const s: Sandbox = {
          id: randomUuid(), taskId: task, workspaceId: ws.id, name: task,
          image: chosen ? `${chosen.image}:${chosen.tag}` : imageRef ?? 'modbox/code-exec:latest',
          createdAt: now, createdBy: user.id, updatedAt: now, destroyedAt: null,
          readyAt: ctx.now() + cfg.sandboxProvisionMs, outcome: cfg.sandboxOutcome,
          envVars: { ...(env as Record<string, string> | undefined) }, ttlSeconds: ttl ?? chosen?.ttlSeconds ?? null,
        };
        store().sandboxes.set(s.id, s);
        return { status: 200, json: { success: true, error: null, sandbox_id: s.id, sandbox_url: urlOf(s), status: 'provisioning' } };
      },
    },
    {
      method: 'POST', pattern: '/sandboxes/wait', handler: async (req) => {
        const user = caller(req, true);
        const { ws } = scope(req, user);
        const check = new BodyCheck(jsonBody(req));
        const taskId = check.string('task_id', { required: true, min: 1, max: 255 });
        const pollSeconds = check.int('poll_interval', { required: false, min: 1, max: 60 }) ?? 5;
        const timeoutSeconds = check.int('timeout', { required: false, min: 1, max: 600 }) ?? 120;
        check.done();
        const task = taskId ?? '';
        const find = (): Sandbox | undefined => liveByTask(ws.id, task)
          ?? [...store().sandboxes.values()].reverse().find((s) => s.workspaceId === ws.id && s.taskId === task);
        if (!find()) {
          return detail(404, 'Sandbox not found');
        }
        // Held for real: checks now, then every poll_interval, until running, gone or the timeout.
        const started = Date.now();
        const elapsed = (): number => Math.round((Date.now() - started) / 100) / 10;
        for (;;) {
          const s = find();
          const state = s ? sandboxState(s, ctx.now()) : 'destroyed';
          if (state === 'running') {
            return { status: 200, json: { ready: true, elapsed_seconds: elapsed() } };
          }
          if (state !== 'provisioning') {
            // Failed or destroyed: it will never be ready; the client reads the detail for why.
            return { status: 200, json: { ready: false, elapsed_seconds: elapsed() } };
          }
          const left = timeoutSeconds * 1000 - (Date.now() - started);
          if (left <= 0) {
            return { status: 200, json: { ready: false, elapsed_seconds: elapsed() } };
          }
          if (!(await pause(Math.min(pollSeconds * 1000, left), req.signal))) {
            // The client went away; nobody reads this.
            return { status: 499, json: { detail: 'Client closed request' } };
          }
        }
      },
    },
    {
      method: 'POST', pattern: '/sandboxes/destroy', handler: (req) => {
        const user = caller(req, true);
        const { ws, me } = scope(req, user);
        const check = new BodyCheck(jsonBody(req));
        const taskId = check.string('task_id', { required: true, min: 1, max: 255 });
        check.done();
        if (me.role === 'viewer') {
          return detail(403, 'Viewers cannot destroy sandboxes');
        }
        const s = liveByTask(ws.id, taskId ?? '');
        if (!s) {
          return { status: 200, json: { success: false, error: 'Sandbox not found' } };
        }
        s.destroyedAt = s.updatedAt = nowIso();
        return { status: 200, json: { success: true, error: null } };
      },
    },
    {
      method: 'GET', pattern: '/sandbox-images', handler: (req) => {
        const { ws } = scope(req, caller(req, true));
        const raw = req.query.get('enabled_only');
        if (raw !== null && !['true', 'false', '1', '0'].includes(raw.toLowerCase())) {
          throw unprocessable([{ type: 'bool_parsing', loc: ['query', 'enabled_only'], msg: 'Input should be a valid boolean, unable to interpret input', input: raw }]);
        }
        const enabledOnly = raw === null || raw.toLowerCase() === 'true' || raw === '1';
        const images = imagesOf(ws.id).filter((i) => !enabledOnly || i.enabled).map(imageJson);
        return { status: 200, json: { images } };
      },
    },
    {
      // What a sandbox_url opens: a page on the emulator itself, so nothing leaves loopback.
      method: 'GET', pattern: '/__sandbox/:id/', handler: (req) => {
        const s = store().sandboxes.get(req.params.id);
        if (!s) {
          return { status: 404, html: errorPage('Not found', 'No such sandbox.') };
        }
        const state = sandboxState(s, ctx.now());
        return {
          status: state === 'running' ? 200 : state === 'destroyed' ? 410 : 503,
          html: errorPage(`sandbox ${s.taskId} ${state}`, `sandbox ${s.taskId} ${state}`),
        };
      },
    },
  ];
}

/** Waits `ms`; false when the signal fired first. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
