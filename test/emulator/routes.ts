/** The Modbox API as the contract describes it: auth, SSO, API tokens, workspaces, sandboxes. */
import { ROLES, newApiTokenValue, randomUuid } from './data';
import type { ApiToken, Member, Role, Store, User, Workspace } from './data';
import { BodyCheck, ReplyError, detail, jsonBody, notAuthenticated } from './http';
import type { Reply, Req, Route } from './http';
import type { SessionPolicy, SessionStore, TokenSet } from './sessions';
import { createSandboxRoutes } from './sandboxes';
import { buildRedirect, consentPage, errorPage, isAllowedRedirect, isProvider } from './sso';

export interface EmulatorConfig extends SessionPolicy {
  ssoResponseMode: 'fragment' | 'query';
  /** null: show the consent page. */
  autoConsent: 'approve' | 'deny' | null;
  /** Added to every non-control request. */
  latencyMs: number;
  /** The account every SSO provider signs in as (created on first use). */
  ssoEmail: string;
  /** https origins accepted as redirect_uri besides editor schemes and loopback http. */
  trustedRedirectOrigins: string[];
  /** Origin used in trailing-slash 307 Locations; null: the origin the request came to. */
  slashRedirectOrigin: string | null;
  /** How long a new sandbox reads as "provisioning". */
  sandboxProvisionMs: number;
  /** What provisioning ends as for new sandboxes ('failed' lets clients show a failure). */
  sandboxOutcome: 'running' | 'failed';
  /** How often the reaper destroys sandboxes past their TTL (Modbox: every 60 s). */
  reaperTickMs: number;
}

export interface Counters {
  loginCalls: number;
  refreshCalls: number;
  refreshSuccess: number;
  refreshReuse: number;
  refreshExpired: number;
  logoutCalls: number;
  ssoPageViews: number;
  ssoApproved: number;
  ssoDenied: number;
  sessionsMinted: number;
  faultsApplied: number;
}

export function zeroCounters(): Counters {
  return {
    loginCalls: 0, refreshCalls: 0, refreshSuccess: 0, refreshReuse: 0, refreshExpired: 0, logoutCalls: 0,
    ssoPageViews: 0, ssoApproved: 0, ssoDenied: 0, sessionsMinted: 0, faultsApplied: 0,
  };
}

export interface ApiContext {
  store: () => Store;
  sessions: SessionStore;
  config: () => EmulatorConfig;
  counters: () => Counters;
  now: () => number;
  url: () => string;
  issued: (secret: string) => void;
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function createRoutes(ctx: ApiContext): Route[] {
  const nowIso = (): string => new Date(ctx.now()).toISOString();
  const store = (): Store => ctx.store();

  const caller = (req: Req, allowApiTokens: boolean): User => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''));
    if (!m) {
      throw new ReplyError(notAuthenticated());
    }
    const token = m[1];
    if (token.startsWith('mbx_')) {
      const apiToken = store().tokensByValue.get(token);
      const user = apiToken ? store().users.get(apiToken.userId) : undefined;
      if (!apiToken || !user) {
        throw new ReplyError(notAuthenticated());
      }
      if (!allowApiTokens) {
        throw new ReplyError(detail(403, 'API tokens cannot manage API tokens'));
      }
      apiToken.lastUsedAt = nowIso();
      return user;
    }
    const userId = ctx.sessions.authenticate(token);
    const user = userId ? store().users.get(userId) : undefined;
    if (!user) {
      throw new ReplyError(notAuthenticated());
    }
    return user;
  };

  const uuidParam = (value: string, loc: Array<string>): string => {
    if (!UUID_RE.test(value)) {
      throw new ReplyError({
        status: 422,
        json: { detail: [{ type: 'uuid_parsing', loc, msg: 'Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]', input: value }] },
      });
    }
    return value.toLowerCase();
  };

  /** The workspace and the caller's membership; 404 for non-members so ids do not leak. */
  const memberOf = (user: User, workspaceId: string, loc: string[]): { ws: Workspace; me: Member } => {
    const id = uuidParam(workspaceId, loc);
    const ws = store().workspaces.get(id);
    const me = ws ? store().membership(ws.id, user.id) : undefined;
    if (!ws || !me) {
      throw new ReplyError(detail(404, 'Workspace not found'));
    }
    return { ws, me };
  };

  const requireManager = (me: Member): void => {
    if (me.role !== 'owner' && me.role !== 'admin') {
      throw new ReplyError(detail(403, 'Only owners and admins can do this'));
    }
  };

  const wsJson = (ws: Workspace) => ({
    id: ws.id, name: ws.name, description: ws.description, realm: ws.realm,
    created_at: ws.createdAt, created_by: ws.createdBy, updated_at: ws.updatedAt,
  });
  const memberJson = (m: Member) => ({
    id: m.id, workspace_id: m.workspaceId, user_id: m.userId, email: store().users.get(m.userId)?.email ?? null,
    role: m.role, added_by: m.addedBy, created_at: m.createdAt,
  });
  const detailJson = (ws: Workspace) => ({ ...wsJson(ws), members: (store().members.get(ws.id) ?? []).map(memberJson) });
  const tokenJson = (t: ApiToken) => ({
    id: t.id, description: t.description, token_prefix: t.value.slice(0, 8), created_at: t.createdAt, last_used_at: t.lastUsedAt,
  });
  /** Login and refresh answer with the contract's four token fields. */
  const loginBody = (t: TokenSet) => ({
    success: true,
    tokens: { access_token: t.access_token, refresh_token: t.refresh_token, expires_in: t.expires_in, refresh_expires_in: t.refresh_expires_in },
  });

  const ownerCount = (wsId: string): number => (store().members.get(wsId) ?? []).filter((m) => m.role === 'owner').length;

  const ssoRedirect = (provider: string, redirectUri: string | null, state: string | null, decision: string | null): Reply => {
    if (!isProvider(provider)) {
      return { status: 404, html: errorPage('Not found', 'Unknown sign-in provider.') };
    }
    const cfg = ctx.config();
    if (!redirectUri || !isAllowedRedirect(redirectUri, cfg.trustedRedirectOrigins)) {
      return { status: 400, html: errorPage('Invalid redirect_uri', 'This application is not allowed to receive a Modbox sign-in.') };
    }
    if (state !== null && state.length > 2048) {
      return { status: 400, html: errorPage('Invalid state', 'The state parameter is too long.') };
    }
    const user = store().ensureUser(cfg.ssoEmail, nowIso());
    if (decision === null) {
      ctx.counters().ssoPageViews++;
      return {
        status: 200,
        html: consentPage({ provider, name: user.name, email: user.email, redirectUri, state }),
        headers: { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'" },
      };
    }
    const stateParam: Array<[string, string]> = state === null ? [] : [['state', state]];
    let params: Array<[string, string]>;
    if (decision === 'approve') {
      ctx.counters().ssoApproved++;
      const t = ctx.sessions.start(user, cfg);
      params = [
        ['access_token', t.access_token], ['refresh_token', t.refresh_token], ['expires_in', String(t.expires_in)],
        ['refresh_expires_in', String(t.refresh_expires_in)], ['token_type', 'Bearer'], ...stateParam,
      ];
    } else if (decision === 'deny') {
      ctx.counters().ssoDenied++;
      params = [['error', 'access_denied'], ...stateParam];
    } else {
      return { status: 400, html: errorPage('Invalid request', 'Unknown decision.') };
    }
    return { status: 302, headers: { Location: buildRedirect(redirectUri, params, cfg.ssoResponseMode) } };
  };

  const consent = (req: Req): Reply => {
    const form = req.method === 'POST' ? new URLSearchParams(req.body.toString('utf8')) : req.query;
    return ssoRedirect(req.params.provider, form.get('redirect_uri'), form.get('state'), form.get('decision') ?? '');
  };

  return [
    // --- auth ---
    {
      method: 'POST', pattern: '/auth/login', handler: (req) => {
        ctx.counters().loginCalls++;
        const check = new BodyCheck(jsonBody(req));
        const username = check.string('username', { required: true, min: 1 });
        const password = check.string('password', { required: true, min: 1 });
        const captcha = check.string('recaptchaToken', { required: true });
        check.done();
        if (!captcha) {
          return detail(400, 'reCAPTCHA verification failed');
        }
        const user = store().userByEmail(username ?? '');
        if (!user || user.password !== password) {
          return detail(401, 'Invalid username or password');
        }
        return { status: 200, json: loginBody(ctx.sessions.start(user, ctx.config())) };
      },
    },
    {
      method: 'POST', pattern: '/auth/refresh', handler: (req) => {
        ctx.counters().refreshCalls++;
        const check = new BodyCheck(jsonBody(req));
        const token = check.string('refresh_token', { required: true, min: 1 });
        check.done();
        const result = ctx.sessions.refresh(token ?? '', ctx.config(), (id) => store().users.get(id));
        if (result.ok) {
          ctx.counters().refreshSuccess++;
          return { status: 200, json: loginBody(result.tokens) };
        }
        if (result.reason === 'reused') {
          ctx.counters().refreshReuse++;
          return detail(401, 'Refresh token has already been used');
        }
        if (result.reason === 'expired') {
          ctx.counters().refreshExpired++;
          return detail(401, 'Refresh token expired');
        }
        return detail(401, result.reason === 'ended' ? 'Session not active' : 'Invalid refresh token');
      },
    },
    {
      method: 'POST', pattern: '/auth/logout', handler: (req) => {
        ctx.counters().logoutCalls++;
        const check = new BodyCheck(jsonBody(req));
        const token = check.string('refresh_token', { required: true, min: 1 });
        check.done();
        return ctx.sessions.logout(token ?? '') ? { status: 204 } : detail(404, 'Session not found');
      },
    },
    { method: 'GET', pattern: '/auth/sso/:provider', handler: (req) => {
      const cfg = ctx.config();
      return ssoRedirect(req.params.provider, req.query.get('redirect_uri'), req.query.get('state'),
        cfg.autoConsent === null ? null : cfg.autoConsent);
    } },
    { method: 'POST', pattern: '/auth/sso/:provider/consent', handler: consent },
    { method: 'GET', pattern: '/auth/sso/:provider/consent', handler: consent },

    // --- API tokens (JWT only) ---
    {
      method: 'GET', pattern: '/api-tokens/', handler: (req) => {
        const user = caller(req, false);
        return { status: 200, json: store().tokensOf(user.id).map(tokenJson) };
      },
    },
    {
      method: 'POST', pattern: '/api-tokens/', handler: (req) => {
        const user = caller(req, false);
        const check = new BodyCheck(jsonBody(req));
        const description = check.string('description', { required: true, min: 1, max: 255 });
        check.done();
        if (description === undefined || description === null || description.trim() === '') {
          throw new ReplyError({ status: 422, json: { detail: [{ type: 'string_too_short', loc: ['body', 'description'], msg: 'String should have at least 1 character', input: description, ctx: { min_length: 1 } }] } });
        }
        const t = store().addToken({ id: randomUuid(), userId: user.id, description, value: newApiTokenValue(), createdAt: nowIso(), lastUsedAt: null });
        ctx.issued(t.value);
        return { status: 201, json: { id: t.id, description: t.description, token: t.value, created_at: t.createdAt } };
      },
    },
    {
      method: 'DELETE', pattern: '/api-tokens/:token', handler: (req) => {
        const user = caller(req, false);
        const key = req.params.token;
        const t = store().tokensByValue.get(key) ?? store().tokens.get(key);
        if (!t || t.userId !== user.id) {
          return detail(404, 'Token not found');
        }
        store().removeToken(t);
        return { status: 204 };
      },
    },

    // --- workspaces ---
    {
      method: 'GET', pattern: '/workspaces', handler: (req) => {
        const user = caller(req, true);
        const workspaces = store().workspacesOf(user.id).map(({ workspace, member }) => ({
          ...wsJson(workspace), role: member.role, member_count: store().members.get(workspace.id)?.length ?? 0,
        }));
        return { status: 200, json: { workspaces } };
      },
    },
    {
      method: 'POST', pattern: '/workspaces', handler: (req) => {
        const user = caller(req, true);
        const check = new BodyCheck(jsonBody(req));
        const name = check.string('name', { required: true, min: 1, max: 255 });
        const description = check.string('description', { required: false, max: 1000, nullable: true });
        check.done();
        const now = nowIso();
        const ws = store().addWorkspace({
          id: randomUuid(), name: name ?? '', description: description ?? null, realm: 'modbox', createdAt: now, createdBy: user.id, updatedAt: now,
        });
        store().addMember({ id: randomUuid(), workspaceId: ws.id, userId: user.id, role: 'owner', addedBy: user.id, createdAt: now });
        return { status: 201, json: detailJson(ws) };
      },
    },
    {
      method: 'GET', pattern: '/workspaces/:id', handler: (req) => {
        const { ws } = memberOf(caller(req, true), req.params.id, ['path', 'workspace_id']);
        return { status: 200, json: detailJson(ws) };
      },
    },
    {
      method: 'PUT', pattern: '/workspaces/:id', handler: (req) => {
        const { ws, me } = memberOf(caller(req, true), req.params.id, ['path', 'workspace_id']);
        const check = new BodyCheck(jsonBody(req));
        const name = check.string('name', { required: false, min: 1, max: 255 });
        const description = check.string('description', { required: false, max: 1000, nullable: true });
        check.done();
        requireManager(me);
        if (typeof name === 'string') ws.name = name;
        if (description !== undefined) ws.description = description;
        ws.updatedAt = nowIso();
        return { status: 200, json: detailJson(ws) };
      },
    },
    {
      method: 'POST', pattern: '/workspaces/:id/members', handler: (req) => {
        const user = caller(req, true);
        const { ws, me } = memberOf(user, req.params.id, ['path', 'workspace_id']);
        const check = new BodyCheck(jsonBody(req));
        const email = check.string('email', { required: true, min: 1, max: 320 });
        const role: Role = check.oneOf('role', ROLES, false) ?? 'member';
        if (typeof email === 'string' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
          check.errors.push({ type: 'value_error', loc: ['body', 'email'], msg: 'value is not a valid email address: An email address must have an @-sign.', input: email });
        }
        check.done();
        requireManager(me);
        if (role === 'owner' && me.role !== 'owner') {
          return detail(403, 'Only owners can grant the owner role');
        }
        const target = store().userByEmail(email ?? '');
        if (!target) {
          return detail(404, 'User not found');
        }
        if (store().membership(ws.id, target.id)) {
          return detail(409, 'User is already a member of this workspace');
        }
        const m = store().addMember({ id: randomUuid(), workspaceId: ws.id, userId: target.id, role, addedBy: user.id, createdAt: nowIso() });
        return { status: 201, json: memberJson(m) };
      },
    },
    {
      method: 'PUT', pattern: '/workspaces/:id/members/:userId', handler: (req) => {
        const { ws, me } = memberOf(caller(req, true), req.params.id, ['path', 'workspace_id']);
        const check = new BodyCheck(jsonBody(req));
        const role = check.oneOf('role', ROLES, true);
        check.done();
        requireManager(me);
        const target = store().membership(ws.id, req.params.userId);
        if (!target) {
          return detail(404, 'Member not found');
        }
        if (me.role !== 'owner' && (target.role === 'owner' || role === 'owner')) {
          return detail(403, 'Only owners can change owners');
        }
        if (target.role === 'owner' && role !== 'owner' && ownerCount(ws.id) === 1) {
          return detail(400, 'A workspace must keep at least one owner');
        }
        target.role = role ?? target.role;
        return { status: 200, json: memberJson(target) };
      },
    },
    {
      method: 'DELETE', pattern: '/workspaces/:id/members/:userId', handler: (req) => {
        const user = caller(req, true);
        const { ws, me } = memberOf(user, req.params.id, ['path', 'workspace_id']);
        const target = store().membership(ws.id, req.params.userId);
        if (target?.userId !== user.id) {
          requireManager(me);
        }
        if (!target) {
          return detail(404, 'Member not found');
        }
        if (target.role === 'owner' && target.userId !== user.id && me.role !== 'owner') {
          return detail(403, 'Only owners can remove owners');
        }
        if (target.role === 'owner' && ownerCount(ws.id) === 1) {
          return detail(400, 'A workspace must keep at least one owner');
        }
        const list = store().members.get(ws.id) ?? [];
        list.splice(list.indexOf(target), 1);
        return { status: 204 };
      },
    },

    ...createSandboxRoutes(ctx, { caller }),
  ];
}
