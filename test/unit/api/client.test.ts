import * as assert from 'node:assert/strict';
import type * as http from 'node:http';
import { ModboxClient, type CredentialSource } from '../../../src/api/client';
import { API_TOKEN_CANNOT_MANAGE_TOKENS, ModboxError } from '../../../src/api/errors';
import { HttpClient } from '../../../src/api/http';
import type { Transport } from '../../../src/api/transport';
import { createUndiciTransport } from '../../../src/api/transport/undiciTransport';
import { FakeClock } from '../../support/fakeClock';
import { FakeTransport, json, type Step } from '../../support/fakeTransport';
import { rejection } from '../../support/rejection';
import { startServer, type LoopbackServer } from '../../support/loopback';

const OLD_JWT = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJvbGQifQ.b2xkLXNpZw';
const NEW_JWT = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJuZXcifQ.bmV3LXNpZw';
const API_TOKEN = 'mbx_ValidApiTokenValue0001';
const REFRESH = 'refresh-SecretValue-777';
const SECRETS = [OLD_JWT, NEW_JWT, API_TOKEN, REFRESH, 'b2xkLXNpZw', 'bmV3LXNpZw', 'ValidApiTokenValue'];

/** A minimal Modbox: which tokens it accepts and how routes answer is set per test. */
class FakeModbox {
  accepted = new Set([NEW_JWT, API_TOKEN]);
  tokens = new Map([['t1', { id: 't1', description: 'ci', token_prefix: 'mbx_ab12', created_at: '2024-05-01T10:00:00Z', last_used_at: null }]]);
  createStatus = 201;
  refreshValid = true;

  handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const send = (status: number, value?: unknown) => {
      res.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' }).end(value === undefined ? '' : JSON.stringify(value));
    };
    const url = req.url ?? '';
    if (url === '/auth/refresh' && req.method === 'POST') {
      const { refresh_token } = JSON.parse(body) as { refresh_token: string };
      return this.refreshValid && refresh_token === REFRESH
        ? send(200, { success: true, tokens: { access_token: NEW_JWT, refresh_token: 'rotated-1', expires_in: 300, refresh_expires_in: 1800 } })
        : send(401, { detail: `Invalid refresh token ${refresh_token}` });
    }
    if (url === '/auth/logout' && req.method === 'POST') {
      return JSON.parse(body).refresh_token === REFRESH ? send(204) : send(404, { detail: 'Session not found' });
    }
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!this.accepted.has(token)) {
      return send(401, { detail: `Token ${token} is not valid` });
    }
    if (url === '/workspaces' && req.method === 'GET') {
      return send(200, { workspaces: [{ id: 'w1', name: 'Team', role: 'owner', member_count: 2 }] });
    }
    if (url === '/workspaces/w%2F1' && req.method === 'GET') {
      return send(200, { id: 'w/1', name: 'Slashed', members: [{ id: 'm1', user_id: 'u1', role: 'owner' }] });
    }
    if (url.startsWith('/api-tokens/') && token.startsWith('mbx_')) {
      return send(403, { detail: 'API tokens cannot be used here' });
    }
    if (url === '/api-tokens/' && req.method === 'GET') {
      return send(200, [...this.tokens.values()]);
    }
    if (url === '/api-tokens/' && req.method === 'POST') {
      if (this.createStatus !== 201) {
        return send(this.createStatus, { detail: 'busy' });
      }
      const { description } = JSON.parse(body) as { description: string };
      return send(201, { id: 't2', description, token: 'mbx_NewlyCreatedTokenValue', created_at: '2024-05-02T10:00:00Z' });
    }
    if (url.startsWith('/api-tokens/') && req.method === 'DELETE') {
      const key = decodeURIComponent(url.slice('/api-tokens/'.length));
      return this.tokens.delete(key) ? send(204) : send(404, { detail: 'Token not found' });
    }
    send(404, { detail: 'Not Found' });
  }
}

class FakeCredentials implements CredentialSource {
  unauthorizedCalls: string[] = [];
  constructor(public current: string, private readonly fresh: string | undefined) {}
  async accessToken(): Promise<string> {
    return this.current;
  }
  async onUnauthorized(rejected: string): Promise<string | undefined> {
    this.unauthorizedCalls.push(rejected);
    if (this.fresh) {
      this.current = this.fresh;
    }
    return this.fresh;
  }
}

async function failsWith(promise: Promise<unknown>, kind: string): Promise<ModboxError> {
  return rejection<ModboxError>(promise, (err) => {
    assert.ok(err instanceof ModboxError, String(err));
    assert.equal(err.kind, kind, err.message);
    for (const secret of SECRETS) {
      assert.ok(!err.message.includes(secret), `secret in message: ${err.message}`);
      assert.ok(!(err.detail ?? '').includes(secret), `secret in detail: ${err.detail}`);
    }
  });
}

describe('ModboxClient (loopback server, real transport)', function () {
  this.timeout(5000);
  let server: LoopbackServer;
  let modbox: FakeModbox;
  let transport: Transport;
  let http: HttpClient;

  beforeEach(async () => {
    modbox = new FakeModbox();
    server = await startServer((req, res, body) => modbox.handle(req, res, body));
    transport = createUndiciTransport({ env: {} });
    http = new HttpClient({ transport, baseUrl: server.url, version: '0.1.0', random: () => 0, baseBackoffMs: 10 });
  });

  afterEach(async () => {
    await transport.close?.();
    await server.close();
  });

  const authHeaders = () => server.requests.map((r) => r.headers.authorization);

  it('lists workspaces with the current token', async () => {
    const client = new ModboxClient(http, new FakeCredentials(NEW_JWT, undefined));
    assert.deepEqual(await client.listWorkspaces(), [{ id: 'w1', name: 'Team', role: 'owner', memberCount: 2 }]);
    assert.deepEqual(authHeaders(), [`Bearer ${NEW_JWT}`]);
    assert.equal(server.requests[0].headers['x-workspace-id'], undefined);
  });

  it('on 401 asks for a new token once and retries with it', async () => {
    const creds = new FakeCredentials(OLD_JWT, NEW_JWT);
    const client = new ModboxClient(http, creds);
    assert.equal((await client.listWorkspaces()).length, 1);
    assert.deepEqual(creds.unauthorizedCalls, [OLD_JWT]);
    assert.deepEqual(authHeaders(), [`Bearer ${OLD_JWT}`, `Bearer ${NEW_JWT}`]);
  });

  it('retries at most once, then reports unauthorized', async () => {
    const creds = new FakeCredentials(OLD_JWT, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.eA');
    await failsWith(new ModboxClient(http, creds).listWorkspaces(), 'unauthorized');
    assert.equal(creds.unauthorizedCalls.length, 1);
    assert.equal(server.requests.length, 2);
  });

  it('does not retry when no new token is available', async () => {
    const creds = new FakeCredentials(OLD_JWT, undefined);
    await failsWith(new ModboxClient(http, creds).listApiTokens(), 'unauthorized');
    assert.equal(server.requests.length, 1);
  });

  it('gets a workspace by an encoded id', async () => {
    const detail = await new ModboxClient(http, new FakeCredentials(NEW_JWT, undefined)).getWorkspace('w/1');
    assert.equal(detail.name, 'Slashed');
    assert.equal(detail.members.length, 1);
  });

  it('lists, creates and revokes API tokens', async () => {
    const client = new ModboxClient(http, new FakeCredentials(NEW_JWT, undefined));
    assert.deepEqual(await client.listApiTokens(), [{ id: 't1', description: 'ci', tokenPrefix: 'mbx_ab12', createdAt: '2024-05-01T10:00:00Z', lastUsedAt: null }]);
    const created = await client.createApiToken('  deploy  ');
    assert.equal(created.token, 'mbx_NewlyCreatedTokenValue');
    assert.equal(server.requests[1].body, '{"description":"deploy"}');
    assert.deepEqual(await client.revokeApiToken('t1'), { alreadyGone: false });
    assert.deepEqual(await client.revokeApiToken('t1'), { alreadyGone: true });
  });

  it('never retries creating a token, even on 503', async () => {
    modbox.createStatus = 503;
    await failsWith(new ModboxClient(http, new FakeCredentials(NEW_JWT, undefined)).createApiToken('ci'), 'server');
    assert.equal(server.requests.length, 1);
  });

  it('checks the description before calling the server', async () => {
    const client = new ModboxClient(http, new FakeCredentials(NEW_JWT, undefined));
    const err = await failsWith(client.createApiToken('   '), 'validation');
    assert.equal(err.field, 'description');
    await failsWith(client.createApiToken('x'.repeat(300)), 'validation');
    assert.equal(server.requests.length, 0);
  });

  it('explains that an API token cannot manage API tokens', async () => {
    const err = await failsWith(new ModboxClient(http, new FakeCredentials(API_TOKEN, undefined)).listApiTokens(), 'forbidden');
    assert.equal(err.message, API_TOKEN_CANNOT_MANAGE_TOKENS);
  });

  it('refreshes without an Authorization header and reads the new tokens', async () => {
    const tokens = await new ModboxClient(http, new FakeCredentials(OLD_JWT, undefined)).refresh(REFRESH);
    assert.deepEqual(tokens, { accessToken: NEW_JWT, refreshToken: 'rotated-1', expiresIn: 300, refreshExpiresIn: 1800 });
    assert.equal(server.requests[0].headers.authorization, undefined);
    assert.ok(!server.requests[0].url.includes(REFRESH));
  });

  it('reports a refused refresh as an expired session, without the token', async () => {
    modbox.refreshValid = false;
    const err = await failsWith(new ModboxClient(http, new FakeCredentials(OLD_JWT, undefined)).refresh(REFRESH), 'unauthorized');
    assert.match(err.message, /session has expired/);
  });

  it('logs out, treating an unknown session as nothing to do', async () => {
    const client = new ModboxClient(http, new FakeCredentials(OLD_JWT, undefined));
    await client.logout(REFRESH);
    await client.logout('unknown-refresh');
    assert.equal(server.requests.length, 2);
  });

  it('validates a pasted API token', async () => {
    const client = new ModboxClient(http, new FakeCredentials(OLD_JWT, undefined));
    assert.equal((await client.validateApiToken(` ${API_TOKEN}\n`)).length, 1);
    assert.equal(server.requests[0].headers.authorization, `Bearer ${API_TOKEN}`);
    const err = await failsWith(client.validateApiToken('mbx_RevokedTokenValue0002'), 'unauthorized');
    assert.match(err.message, /didn't accept this API token/);
    assert.ok(!err.message.includes('RevokedTokenValue'));
    await failsWith(client.validateApiToken(OLD_JWT), 'validation');
    assert.equal(server.requests.length, 2);
  });
});

describe('ModboxClient sandboxes (FakeTransport)', () => {
  const WS = '0b000000-0000-4000-8000-000000000002';
  const SB = { id: '0e000000-0000-4000-8000-000000000001', name: 'run-1', status: 'running', sandbox_url: 'https://run-1.sbx.modbox.run/', image: 'modbox/code-exec:latest' };

  function sandboxClient(...steps: Step[]): { client: ModboxClient; transport: FakeTransport } {
    const transport = new FakeTransport(...steps);
    const http = new HttpClient({ transport, baseUrl: 'https://api.modbox.run', version: '0.1.0', clock: new FakeClock(), random: () => 0, baseBackoffMs: 1 });
    return { client: new ModboxClient(http, new FakeCredentials(NEW_JWT, undefined)), transport };
  }
  const body = (t: FakeTransport, i = 0): unknown => JSON.parse(t.requests[i].body ?? 'null');

  it('sends the workspace it is given as X-Workspace-Id, and no header for undefined', async () => {
    const { client, transport } = sandboxClient(json(200, { sandboxes: [SB] }), json(200, [SB]));
    const named = await client.listSandboxes(WS, { status: 'running' });
    assert.deepEqual(named, [{ id: SB.id, name: 'run-1', status: 'running', sandboxUrl: SB.sandbox_url, image: SB.image }]);
    assert.equal(transport.requests[0].headers['x-workspace-id'], WS);
    assert.equal(new URL(transport.requests[0].url).search, '?status=running');
    await client.listSandboxes(undefined);
    assert.equal(transport.requests[1].headers['x-workspace-id'], undefined);
    assert.equal(new URL(transport.requests[1].url).search, '');
  });

  it('reads a sandbox detail and keeps the JSON as sent, with an encoded id', async () => {
    const detail = { ...SB, created_by: 'u1', extra: { x: 1 } };
    const { client, transport } = sandboxClient(json(200, detail), json(200, detail));
    const { sandbox, json: raw } = await client.getSandboxDetailJson(WS, SB.id);
    assert.equal(sandbox.createdBy, 'u1');
    assert.deepEqual(raw, detail);
    assert.equal((await client.getSandbox(undefined, 'a/b')).id, SB.id);
    assert.equal(new URL(transport.requests[1].url).pathname, '/sandboxes/detail/a%2Fb');
  });

  it('lists images for a workspace, disabled ones included', async () => {
    const { client, transport } = sandboxClient(json(200, { images: [{ id: 'i1', name: 'modbox/code-exec', enabled: true, is_default: true, is_global: true }] }));
    assert.deepEqual(await client.listSandboxImages(WS), [{ id: 'i1', name: 'modbox/code-exec', enabled: true, isDefault: true, global: true }]);
    assert.equal(new URL(transport.requests[0].url).search, '?enabled_only=false');
    assert.equal(transport.requests[0].headers['x-workspace-id'], WS);
  });

  it('provisions with a snake_case body and reads the documented answer', async () => {
    const { client, transport } = sandboxClient(json(200, { success: true, error: null, sandbox_id: SB.id, sandbox_url: SB.sandbox_url, status: 'provisioning' }));
    const out = await client.provisionSandbox(WS, { taskId: ' run-1 ', imageId: 'i1', ttlSeconds: 300, envVars: { A_B: '1' } });
    assert.deepEqual(out, { sandboxId: SB.id, sandboxUrl: SB.sandbox_url, status: 'provisioning' });
    assert.deepEqual(body(transport), { task_id: 'run-1', image_id: 'i1', ttl_seconds: 300, env_vars: { A_B: '1' } });
    assert.equal(transport.requests[0].method, 'POST');
  });

  it('turns {success:false} on provision into a rejected error with the server\'s words as plain text', async () => {
    const error = '[Open](command:workbench.action.quit) $(alert) task exists';
    const { client } = sandboxClient(json(200, { success: false, error }));
    const err = await failsWith(client.provisionSandbox(WS, { taskId: 'run-1' }), 'rejected');
    assert.match(err.message, /^Modbox couldn't create the sandbox: /);
    assert.ok(!err.message.includes(']('), err.message);
    assert.ok(!/(?<!\\)\$\(/.test(err.message), err.message);
    assert.match(err.detail ?? '', /task exists/);
  });

  it('never retries a provision or a destroy, even on a 503 or a dropped connection', async () => {
    for (const step of [json(503, { detail: 'busy' }), { networkCode: 'ECONNRESET' }] as Step[]) {
      const { client, transport } = sandboxClient(step, step);
      await assert.rejects(client.provisionSandbox(WS, { taskId: 'run-1' }));
      assert.equal(transport.requests.length, 1);
      const second = sandboxClient(step, step);
      await assert.rejects(second.client.destroySandbox(WS, 'run-1'));
      assert.equal(second.transport.requests.length, 1);
    }
  });

  it('validates before sending anything', async () => {
    const { client, transport } = sandboxClient();
    await failsWith(client.provisionSandbox(WS, { taskId: '' }), 'validation');
    await failsWith(client.provisionSandbox(WS, { taskId: 'x'.repeat(256) }), 'validation');
    await failsWith(client.provisionSandbox(WS, { taskId: 't', ttlSeconds: 59 }), 'validation');
    await failsWith(client.provisionSandbox(WS, { taskId: 't', ttlSeconds: 86_401 }), 'validation');
    await failsWith(client.provisionSandbox(WS, { taskId: 't', imageId: 'a b' }), 'validation');
    await failsWith(client.provisionSandbox(WS, { taskId: 't', image: 'x'.repeat(513) }), 'validation');
    await failsWith(client.waitForSandbox(WS, 't', { timeoutSeconds: 601 }), 'validation');
    await failsWith(client.waitForSandbox(WS, 't', { pollIntervalSeconds: 0 }), 'validation');
    await failsWith(client.destroySandbox(WS, '  '), 'validation');
    assert.equal(transport.requests.length, 0);
  });

  it('waits with the documented body and stretches the request deadline to the wait', async () => {
    const { client, transport } = sandboxClient(json(200, { ready: true, elapsed_seconds: 12.5 }), json(200, { ready: false }));
    assert.deepEqual(await client.waitForSandbox(WS, 'run-1', { timeoutSeconds: 300, pollIntervalSeconds: 2 }), { ready: true, elapsedSeconds: 12.5 });
    assert.deepEqual(body(transport), { task_id: 'run-1', timeout: 300, poll_interval: 2 });
    assert.ok(transport.requests[0].timeoutMs > 300_000, String(transport.requests[0].timeoutMs));
    assert.deepEqual(await client.waitForSandbox(undefined, 'run-1'), { ready: false });
    assert.deepEqual(body(transport, 1), { task_id: 'run-1' });
    assert.ok(transport.requests[1].timeoutMs > 120_000);
  });

  it('destroys by task id; a sandbox already gone is not an error, another refusal is', async () => {
    const { client, transport } = sandboxClient(
      json(200, { success: true, error: null }), json(200, { success: false, error: 'Sandbox not found' }), json(404, { detail: 'Not Found' }),
      json(200, { success: false, error: 'Sandbox is locked' }));
    assert.deepEqual(await client.destroySandbox(WS, 'run-1'), { alreadyGone: false });
    assert.deepEqual(body(transport), { task_id: 'run-1' });
    assert.deepEqual(await client.destroySandbox(WS, 'run-1'), { alreadyGone: true });
    assert.deepEqual(await client.destroySandbox(WS, 'run-1'), { alreadyGone: true });
    const err = await failsWith(client.destroySandbox(WS, 'run-1'), 'rejected');
    assert.match(err.message, /couldn't destroy the sandbox: Sandbox is locked/);
  });

  it('reports a 403 for a foreign workspace with the server\'s detail', async () => {
    const { client } = sandboxClient(json(403, { detail: 'You are not a member of this workspace' }));
    const err = await failsWith(client.listSandboxes('0b000000-0000-4000-8000-000000000004'), 'forbidden');
    assert.match(err.message, /not a member of this workspace/);
  });
});
