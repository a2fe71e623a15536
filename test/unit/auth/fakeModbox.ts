import { classifyNetworkError } from '../../../src/api/errors';
import type { HttpRequest, HttpResponse, Transport } from '../../../src/api/transport';
import type { FakeAuthServer } from './helpers';

export const API = 'https://api.modbox.run';

function json(status: number, value: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** Modbox's auth endpoints and GET /workspaces, over FakeAuthServer's rotating tokens. */
export class FakeModbox implements Transport {
  readonly requests: { call: string; token?: string }[] = [];
  readonly loggedOut: string[] = [];
  /** Access tokens the server answers 401 to (revoked, or its clock disagrees). */
  readonly rejected = new Set<string>();
  offline = false;

  constructor(readonly auth: FakeAuthServer) {}

  calls(): string[] {
    return this.requests.map((r) => r.call);
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const call = `${req.method} ${url.host === new URL(API).host ? '' : url.host}${url.pathname}`;
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    this.requests.push({ call, token });
    if (this.offline) {
      throw classifyNetworkError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), { host: url.host });
    }
    const body = req.body ? (JSON.parse(req.body) as { refresh_token?: string }) : {};
    if (call === 'POST /auth/refresh') {
      try {
        const t = await this.auth.refresh(body.refresh_token ?? '');
        return json(200, { access_token: t.accessToken, refresh_token: t.refreshToken, expires_in: t.expiresIn, refresh_expires_in: t.refreshExpiresIn });
      } catch (err) {
        if ((err as { kind?: string }).kind === 'unauthorized') {
          return json(401, { detail: 'Invalid refresh token' });
        }
        throw err;
      }
    }
    if (call === 'POST /auth/logout') {
      this.loggedOut.push(body.refresh_token ?? '');
      return json(200, {});
    }
    if (call === 'GET /workspaces') {
      return !token || this.rejected.has(token) ? json(401, { detail: 'Not authenticated' }) : json(200, [{ id: 'ws-1', name: 'Personal' }]);
    }
    return json(404, { detail: 'Not found' });
  }
}
