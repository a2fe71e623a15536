/**
 * The Modbox API, one method per call the extension makes. Credentials come
 * from a CredentialSource; on a 401 the source may supply a fresh token once.
 */
import { API_TOKEN_PREFIX, isApiToken } from '../util/secretShapes';
import { API_TOKEN_CANNOT_MANAGE_TOKENS, isModboxError, ModboxError } from './errors';
import type { HttpClient, JsonResponse, RequestOptions } from './http';
import {
  parseApiTokens, parseCreatedApiToken, parseProvisionedSandbox, parseSandbox, parseSandboxes, parseSandboxImages, parseSandboxWait,
  parseTokenResponse, parseWorkspaceDetail, parseWorkspaces,
} from './parse';
import {
  MAX_TOKEN_DESCRIPTION_LENGTH, type ApiToken, type CreatedApiToken, type ProvisionedSandbox, type ProvisionSandboxRequest, type Sandbox,
  type SandboxImage, type SandboxWait, type TokenSet, type Workspace, type WorkspaceDetail,
} from './types';
import { checkProvision, checkTaskId, checkWait, DEFAULT_WAIT_TIMEOUT_SECONDS, provisionBody } from './sandboxRequests';

export interface CredentialSource {
  /** The token to send now (refreshing first if it is about to expire). */
  accessToken(): Promise<string>;
  /** The server refused `rejectedToken`: a new token to retry with, or undefined to give up. */
  onUnauthorized(rejectedToken: string): Promise<string | undefined>;
}

export interface ModboxClientOptions {
  /** The selected workspace, sent as X-Workspace-Id on workspace-scoped calls. */
  workspaceId?: () => string | undefined;
}

interface CallOptions {
  /** Sends the selected workspace as X-Workspace-Id. */
  workspaceScoped?: boolean;
  /** Sends this workspace as X-Workspace-Id (the sandbox calls, which always name theirs). */
  workspaceId?: string;
  /** The API token endpoints, which refuse API tokens (JWT only). */
  tokenEndpoint?: boolean;
}

export class ModboxClient {
  constructor(
    private readonly http: HttpClient,
    private readonly credentials: CredentialSource,
    private readonly options: ModboxClientOptions = {},
  ) {}

  async listWorkspaces(signal?: AbortSignal): Promise<Workspace[]> {
    const res = await this.call({ method: 'GET', path: '/workspaces', signal });
    return parseWorkspaces(res.json);
  }

  async getWorkspace(id: string, signal?: AbortSignal): Promise<WorkspaceDetail> {
    const res = await this.call({ method: 'GET', path: `/workspaces/${segment(id)}`, signal });
    return parseWorkspaceDetail(res.json);
  }

  async listApiTokens(signal?: AbortSignal): Promise<ApiToken[]> {
    const res = await this.call({ method: 'GET', path: '/api-tokens/', signal }, { tokenEndpoint: true });
    return parseApiTokens(res.json);
  }

  /** Never retried: a retry could create a second token. */
  async createApiToken(description: string, signal?: AbortSignal): Promise<CreatedApiToken> {
    const clean = description.trim();
    if (!clean) {
      throw new ModboxError('validation', 'description: Enter a description for the token.', { field: 'description' });
    }
    if (clean.length > MAX_TOKEN_DESCRIPTION_LENGTH) {
      throw new ModboxError('validation', `description: Use at most ${MAX_TOKEN_DESCRIPTION_LENGTH} characters.`, { field: 'description' });
    }
    const res = await this.call({ method: 'POST', path: '/api-tokens/', body: { description: clean }, signal }, { tokenEndpoint: true });
    return parseCreatedApiToken(res.json);
  }

  /**
   * Revokes by id (preferred) or by value (what the API documents). A token
   * that is already gone is not an error.
   */
  async revokeApiToken(idOrValue: string, signal?: AbortSignal): Promise<{ alreadyGone: boolean }> {
    try {
      await this.call({ method: 'DELETE', path: `/api-tokens/${segment(idOrValue)}`, signal }, { tokenEndpoint: true });
      return { alreadyGone: false };
    } catch (err) {
      if (isModboxError(err) && err.kind === 'notFound') {
        return { alreadyGone: true };
      }
      throw err;
    }
  }

  /** Exchanges a refresh token for new tokens. A 401 means the session is over. */
  async refresh(refreshToken: string, signal?: AbortSignal): Promise<TokenSet> {
    try {
      const res = await this.http.request({ method: 'POST', path: '/auth/refresh', body: { refresh_token: refreshToken }, signal });
      return parseTokenResponse(res.json);
    } catch (err) {
      if (isModboxError(err) && err.kind === 'unauthorized') {
        throw new ModboxError('unauthorized', 'Your Modbox session has expired. Sign in again.', { status: err.status, detail: err.detail });
      }
      throw err;
    }
  }

  /** Ends the session on the server. Nothing to do if the server no longer knows it (401/404). */
  async logout(refreshToken: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.http.request({ method: 'POST', path: '/auth/logout', body: { refresh_token: refreshToken }, signal });
    } catch (err) {
      if (isModboxError(err) && (err.kind === 'notFound' || err.kind === 'unauthorized')) {
        return;
      }
      throw err;
    }
  }

  /** Checks an API token a user pasted, returning the workspaces it can see. */
  async validateApiToken(token: string, signal?: AbortSignal): Promise<Workspace[]> {
    const value = token.trim();
    if (!isApiToken(value)) {
      throw new ModboxError('validation', "That doesn't look like a Modbox API token. API tokens start with mbx_.");
    }
    try {
      const res = await this.http.request({ method: 'GET', path: '/workspaces', token: value, signal });
      return parseWorkspaces(res.json);
    } catch (err) {
      if (isModboxError(err) && (err.kind === 'unauthorized' || err.kind === 'forbidden')) {
        throw new ModboxError('unauthorized',
          "Modbox didn't accept this API token. Check that you copied all of it and that it hasn't been revoked.",
          { status: err.status, detail: err.detail });
      }
      throw err;
    }
  }

  // --- sandboxes: the workspace is always named by the caller (undefined: no X-Workspace-Id, the server's default) ---

  async listSandboxes(workspaceId: string | undefined, opts: { status?: string; signal?: AbortSignal } = {}): Promise<Sandbox[]> {
    const status = opts.status?.trim();
    const query = status ? `?status=${encodeURIComponent(status)}` : '';
    const res = await this.call({ method: 'GET', path: `/sandboxes${query}`, signal: opts.signal }, { workspaceId });
    return parseSandboxes(res.json);
  }

  async getSandbox(workspaceId: string | undefined, sandboxId: string, signal?: AbortSignal): Promise<Sandbox> {
    return (await this.getSandboxDetailJson(workspaceId, sandboxId, signal)).sandbox;
  }

  /** The sandbox and the server's JSON as sent (for a read-only details view). */
  async getSandboxDetailJson(workspaceId: string | undefined, sandboxId: string, signal?: AbortSignal): Promise<{ sandbox: Sandbox; json: unknown }> {
    const res = await this.call({ method: 'GET', path: `/sandboxes/detail/${segment(sandboxId)}`, signal }, { workspaceId });
    return { sandbox: parseSandbox(res.json), json: res.json };
  }

  async listSandboxImages(workspaceId: string | undefined, signal?: AbortSignal): Promise<SandboxImage[]> {
    // Disabled images are listed too, so a picker can say why one is missing rather than hide it.
    const res = await this.call({ method: 'GET', path: '/sandbox-images?enabled_only=false', signal }, { workspaceId });
    return parseSandboxImages(res.json);
  }

  /**
   * Never retried: a retry could start a second sandbox. `{success: false,
   * error}` becomes a 'rejected' error carrying the server's words.
   */
  async provisionSandbox(workspaceId: string | undefined, req: ProvisionSandboxRequest, signal?: AbortSignal): Promise<ProvisionedSandbox> {
    const clean = checkProvision(req);
    try {
      const res = await this.call({ method: 'POST', path: '/sandboxes/provision', body: provisionBody(clean), signal }, { workspaceId });
      return parseProvisionedSandbox(res.json);
    } catch (err) {
      if (isModboxError(err) && err.kind === 'rejected') {
        throw new ModboxError('rejected', err.detail
          ? `Modbox couldn't create the sandbox: ${err.detail}`
          : "Modbox couldn't create the sandbox.", { status: err.status, detail: err.detail });
      }
      throw err;
    }
  }

  /**
   * Asks the server to hold the request until the sandbox runs or `timeoutSeconds`
   * pass (default 120). The request's own deadline is stretched to match.
   */
  async waitForSandbox(
    workspaceId: string | undefined, taskId: string,
    opts: { timeoutSeconds?: number; pollIntervalSeconds?: number; signal?: AbortSignal } = {},
  ): Promise<SandboxWait> {
    const { taskId: task, timeoutSeconds, pollIntervalSeconds } = checkWait(taskId, opts.timeoutSeconds, opts.pollIntervalSeconds);
    const body: Record<string, unknown> = { task_id: task };
    if (timeoutSeconds !== undefined) {
      body.timeout = timeoutSeconds;
    }
    if (pollIntervalSeconds !== undefined) {
      body.poll_interval = pollIntervalSeconds;
    }
    const holdMs = (timeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000;
    const res = await this.call({ method: 'POST', path: '/sandboxes/wait', body, signal: opts.signal, timeoutMs: holdMs + WAIT_MARGIN_MS }, { workspaceId });
    return parseSandboxWait(res.json);
  }

  /**
   * Never retried. A sandbox that is already gone (404, or `{success: false}`
   * saying it was not found) is not an error.
   */
  async destroySandbox(workspaceId: string | undefined, taskId: string, signal?: AbortSignal): Promise<{ alreadyGone: boolean }> {
    const task = checkTaskId(taskId);
    try {
      await this.call({ method: 'POST', path: '/sandboxes/destroy', body: { task_id: task }, signal }, { workspaceId });
      return { alreadyGone: false };
    } catch (err) {
      if (isModboxError(err) && (err.kind === 'notFound' || (err.kind === 'rejected' && NOT_FOUND_TEXT.test(err.detail ?? '')))) {
        return { alreadyGone: true };
      }
      if (isModboxError(err) && err.kind === 'rejected') {
        throw new ModboxError('rejected', err.detail
          ? `Modbox couldn't destroy the sandbox: ${err.detail}`
          : "Modbox couldn't destroy the sandbox.", { status: err.status, detail: err.detail });
      }
      throw err;
    }
  }

  /** An authenticated call; on 401, asks the credential source once for a new token and retries. */
  private async call(req: Omit<RequestOptions, 'token' | 'workspaceId'>, opts: CallOptions = {}): Promise<JsonResponse> {
    const workspaceId = opts.workspaceId ?? (opts.workspaceScoped ? this.options.workspaceId?.() : undefined);
    const send = (token: string) => this.http.request({ ...req, token, ...(workspaceId ? { workspaceId } : {}) });
    const token = await this.credentials.accessToken();
    try {
      return await send(token);
    } catch (err) {
      if (!isModboxError(err) || err.kind !== 'unauthorized') {
        throw explain(err, token, opts);
      }
      const fresh = await this.credentials.onUnauthorized(token);
      if (!fresh || fresh === token) {
        throw err;
      }
      try {
        return await send(fresh);
      } catch (retryErr) {
        throw explain(retryErr, fresh, opts);
      }
    }
  }
}

/** Extra time a held wait request gets beyond the wait itself (network, queueing). */
const WAIT_MARGIN_MS = 15_000;
/** How a `{success: false}` destroy says the sandbox no longer exists. */
const NOT_FOUND_TEXT = /not found|no such|does not exist|doesn't exist|already destroyed/i;

function explain(err: unknown, token: string, opts: CallOptions): unknown {
  if (isModboxError(err) && err.kind === 'forbidden' && opts.tokenEndpoint && token.startsWith(API_TOKEN_PREFIX)) {
    return new ModboxError('forbidden', API_TOKEN_CANNOT_MANAGE_TOKENS, { status: err.status, detail: err.detail });
  }
  return err;
}

/** One path segment, encoded; refuses values that could change the path. */
function segment(value: string): string {
  const trimmed = value.trim();
  if (!trimmed || trimmed === '.' || trimmed === '..' || trimmed.length > 512) {
    throw new ModboxError('validation', 'The id is missing or malformed.');
  }
  return encodeURIComponent(trimmed);
}
