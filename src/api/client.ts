/**
 * The Modbox API, one method per call the extension makes. Credentials come
 * from a CredentialSource; on a 401 the source may supply a fresh token once.
 */
import { API_TOKEN_PREFIX, isApiToken } from '../util/secretShapes';
import { API_TOKEN_CANNOT_MANAGE_TOKENS, isModboxError, ModboxError } from './errors';
import type { HttpClient, JsonResponse, RequestOptions } from './http';
import { parseApiTokens, parseCreatedApiToken, parseTokenResponse, parseWorkspaceDetail, parseWorkspaces } from './parse';
import { MAX_TOKEN_DESCRIPTION_LENGTH, type ApiToken, type CreatedApiToken, type TokenSet, type Workspace, type WorkspaceDetail } from './types';

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
  /** Sends the selected workspace as X-Workspace-Id (the sandbox calls of issue 11). */
  workspaceScoped?: boolean;
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

  /** An authenticated call; on 401, asks the credential source once for a new token and retries. */
  private async call(req: Omit<RequestOptions, 'token' | 'workspaceId'>, opts: CallOptions = {}): Promise<JsonResponse> {
    const workspaceId = opts.workspaceScoped ? this.options.workspaceId?.() : undefined;
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
