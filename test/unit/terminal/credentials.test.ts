// The terminal token's lifecycle: created once per server and account (also
// across windows sharing one keychain), reused, revoked on every way out,
// replaced once when the server refuses it, then stopped.
import '../../support/fakeVscode';
import * as assert from 'node:assert/strict';
import { HttpClient } from '../../../src/api/http';
import { ModboxClient } from '../../../src/api/client';
import { isModboxError } from '../../../src/api/errors';
import { silentLogger } from '../../../src/log/logger';
import { stoppedMessage, TerminalCredentials, terminalTokenApi, type SignedInOwner, type TerminalTokenApi } from '../../../src/terminal/credentials';
import { leaseKey, pendingKey, recordKey } from '../../../src/terminal/tokenStore';
import { FakeClock } from '../../support/fakeClock';
import { FakeTransport, json } from '../../support/fakeTransport';
import { MemorySecretStorage } from '../../support/memorySecretStorage';
import { rejection } from '../../support/rejection';

const API_URL = 'https://api.modbox.test';
const ADA: SignedInOwner = { apiUrl: API_URL, accountId: 'ada', canManageTokens: true };
const GRACE: SignedInOwner = { apiUrl: API_URL, accountId: 'grace', canManageTokens: true };

/** The server's side: tokens it issued, which still work, what was asked. */
class FakeTokenServer implements TerminalTokenApi {
  readonly descriptions: string[] = [];
  readonly revoked: string[] = [];
  readonly live = new Map<string, string>();
  createFails: Error | undefined;
  revokeFails: Error | undefined;
  checkFails: Error | undefined;
  private n = 0;

  async createApiToken(description: string) {
    await Promise.resolve();
    if (this.createFails) throw this.createFails;
    this.n++;
    this.descriptions.push(description);
    const created = { id: `tok-${this.n}`, token: `mbx_terminal_${this.n}_abcdefghijkl` };
    this.live.set(created.id, created.token);
    return created;
  }

  async revokeApiToken(id: string) {
    await Promise.resolve();
    if (this.revokeFails) throw this.revokeFails;
    this.revoked.push(id);
    this.live.delete(id);
  }

  async tokenWorks(token: string) {
    if (this.checkFails) throw this.checkFails;
    return [...this.live.values()].includes(token);
  }

  /** Revoked elsewhere (the dashboard). */
  revokeElsewhere(id: string) {
    this.live.delete(id);
  }
}

class World {
  readonly clock = new FakeClock();
  readonly secrets = new MemorySecretStorage();
  readonly server = new FakeTokenServer();

  /** One window; share the world to play several. */
  window(owner: () => SignedInOwner | undefined = () => ADA): TerminalCredentials {
    return new TerminalCredentials({
      secrets: this.secrets,
      clock: this.clock,
      log: silentLogger,
      owner,
      api: () => this.server,
      description: () => 'VS Code terminal – host',
    });
  }

  run<T>(p: Promise<T>): Promise<T> {
    return this.clock.run(p);
  }
}

describe('TerminalCredentials', () => {
  let w: World;
  beforeEach(() => {
    w = new World();
  });

  it('creates one dedicated token, keeps it in SecretStorage under the server and account, and reuses it', async () => {
    const creds = w.window();
    const first = await w.run(creds.ensureToken());
    assert.ok(first);
    assert.match(first.token, /^mbx_/);
    assert.deepEqual(w.server.descriptions, ['VS Code terminal – host']);
    assert.ok(w.secrets.values.get(recordKey(ADA))?.includes(first.token));
    assert.equal(creds.tokenId(), first.id);

    const again = await w.run(creds.ensureToken());
    assert.deepEqual(again, first);
    assert.equal(w.server.descriptions.length, 1, 'created twice');
  });

  it('concurrent callers in one window share one creation', async () => {
    const creds = w.window();
    const [a, b, c] = await w.run(Promise.all([creds.ensureToken(), creds.ensureToken(), creds.ensureToken()]));
    assert.equal(w.server.descriptions.length, 1);
    assert.deepEqual(a, b);
    assert.deepEqual(b, c);
  });

  it('two windows sharing the keychain create it once, and a restarted window reuses it', async () => {
    const [a, b] = await w.run(Promise.all([w.window().ensureToken(), w.window().ensureToken()]));
    assert.equal(w.server.descriptions.length, 1, 'a second token was created');
    assert.deepEqual(a, b);
    const restarted = w.window();
    assert.deepEqual(await w.run(restarted.ensureToken()), a);
    assert.equal(w.server.descriptions.length, 1);
  });

  it('a window that crashed holding the lease delays creation until the lease lapses, not forever', async () => {
    const until = w.clock.now() + 30_000;
    w.secrets.values.set(leaseKey(ADA), JSON.stringify({ owner: 'crashed-window', until }));
    const creds = w.window();
    const token = await w.run(creds.ensureToken());
    assert.ok(token);
    assert.ok(w.clock.now() >= until, 'created while another window held the lease');
    assert.equal(w.server.descriptions.length, 1);
  });

  it('a token made for an account that signed out meanwhile is revoked, not kept', async () => {
    let owner: SignedInOwner | undefined = ADA;
    const creds = w.window(() => owner);
    const create = w.server.createApiToken.bind(w.server);
    w.server.createApiToken = async (d: string) => {
      const made = await create(d);
      owner = GRACE;
      return made;
    };
    assert.equal(await w.run(creds.ensureToken()), undefined);
    assert.deepEqual(w.server.revoked, ['tok-1']);
    assert.equal(w.secrets.values.get(recordKey(ADA)), undefined);
  });

  it('is undefined when signed out, and refuses (with why) for a session made from an API token', async () => {
    assert.equal(await w.run(w.window(() => undefined).ensureToken()), undefined);
    const err = await rejection<Error>(w.run(w.window(() => ({ ...ADA, canManageTokens: false })).ensureToken()), (e) => assert.ok(isModboxError(e)));
    assert.match(err.message, /signed in with an API token/);
    assert.equal(w.server.descriptions.length, 0);
  });

  it('a failed create stores nothing and the next call tries again', async () => {
    const creds = w.window();
    w.server.createFails = new Error('offline');
    await rejection(w.run(creds.ensureToken()), (e) => assert.equal((e as Error).message, 'offline'));
    assert.equal(w.secrets.values.get(recordKey(ADA)), undefined);
    w.server.createFails = undefined;
    assert.ok(await w.run(creds.ensureToken()));
  });

  it('accounts do not share a token', async () => {
    let owner = ADA;
    const creds = w.window(() => owner);
    const ada = await w.run(creds.ensureToken());
    owner = GRACE;
    assert.equal(creds.tokenId(), undefined, 'Grace sees Ada’s token id');
    const grace = await w.run(creds.ensureToken());
    assert.notEqual(grace?.id, ada?.id);
  });

  describe('exit paths', () => {
    it('turning the setting off forgets the token and revokes it on the server', async () => {
      const creds = w.window();
      const token = await w.run(creds.ensureToken());
      const changes: number[] = [];
      creds.onDidChange(() => changes.push(1));
      assert.deepEqual(await w.run(creds.turnOff()), { kind: 'revoked' });
      assert.deepEqual(w.server.revoked, [token?.id]);
      assert.equal(w.secrets.values.get(recordKey(ADA)), undefined);
      assert.equal(creds.tokenId(), undefined);
      assert.equal(changes.length, 1);
    });

    it('sign-out revokes with the ending session’s API before the server forgets it', async () => {
      const creds = w.window();
      const token = await w.run(creds.ensureToken());
      const other = new FakeTokenServer();
      assert.deepEqual(await w.run(creds.sessionEnding(ADA, other)), { kind: 'revoked' });
      assert.deepEqual(other.revoked, [token?.id]);
      assert.equal(w.secrets.values.get(recordKey(ADA)), undefined);
    });

    it('a revocation that fails is remembered (in SecretStorage) and retried at the next sign-in', async () => {
      const creds = w.window();
      const token = await w.run(creds.ensureToken());
      w.server.revokeFails = new Error('offline');
      const result = await w.run(creds.sessionEnding(ADA, w.server));
      assert.equal(result.kind, 'pending');
      assert.equal(w.secrets.values.get(recordKey(ADA)), undefined, 'the token is still offered to terminals');
      assert.ok(w.secrets.values.get(pendingKey(ADA))?.includes(token!.id));

      // Still offline at the next sign-in: kept for later.
      assert.equal(await w.run(creds.retryPending()), 1);
      w.server.revokeFails = undefined;
      assert.equal(await w.run(creds.retryPending()), 0);
      assert.deepEqual(w.server.revoked, [token?.id]);
      assert.equal(w.secrets.values.get(pendingKey(ADA)), undefined);
    });

    it('sign-out also revokes what the session change already set aside', async () => {
      const creds = w.window();
      const token = await w.run(creds.ensureToken());
      await w.run(creds.sessionEnded(ADA));
      assert.deepEqual(await w.run(creds.sessionEnding(ADA, w.server)), { kind: 'revoked' });
      assert.deepEqual(w.server.revoked, [token?.id]);
      assert.equal(w.secrets.values.get(pendingKey(ADA)), undefined);
      w.server.revokeFails = new Error('offline');
      await w.run(creds.ensureToken());
      await w.run(creds.sessionEnded(ADA));
      assert.equal((await w.run(creds.sessionEnding(ADA, w.server))).kind, 'pending');
    });

    it('an account switch drops the token at once and revokes it when that account signs in again', async () => {
      let owner: SignedInOwner = ADA;
      const creds = w.window(() => owner);
      const token = await w.run(creds.ensureToken());
      owner = GRACE;
      await w.run(creds.sessionEnded(ADA));
      assert.equal(w.secrets.values.get(recordKey(ADA)), undefined);
      assert.equal(w.server.revoked.length, 0);
      // Grace's sign-in does not revoke Ada's token with Grace's credentials.
      assert.equal(await w.run(creds.retryPending()), 0);
      assert.equal(w.server.revoked.length, 0);
      owner = ADA;
      await w.run(creds.retryPending());
      assert.deepEqual(w.server.revoked, [token?.id]);
    });

    it('revoking the terminal token in the tree forgets it without a second revoke; other tokens are not its business', async () => {
      const creds = w.window();
      const token = await w.run(creds.ensureToken());
      assert.equal(await w.run(creds.revokedByUser('some-other-id')), false);
      assert.ok(creds.tokenId());
      assert.equal(await w.run(creds.revokedByUser(token!.id)), true);
      assert.equal(creds.tokenId(), undefined);
      assert.equal(w.secrets.values.get(recordKey(ADA)), undefined);
      assert.equal(w.server.revoked.length, 0);
    });

    it('nothing to revoke is not an error', async () => {
      assert.deepEqual(await w.run(w.window().turnOff()), { kind: 'none' });
      assert.deepEqual(await w.run(w.window(() => undefined).turnOff()), { kind: 'none' });
    });
  });

  describe('revoked elsewhere (the server refuses the token)', () => {
    it('a check that finds it refused creates a replacement once; refused again, it stops and says why', async () => {
      const creds = w.window();
      const first = await w.run(creds.ensureToken());
      assert.deepEqual(await w.run(creds.validate()), { kind: 'valid' });

      w.server.revokeElsewhere(first!.id);
      const replaced = await w.run(creds.validate());
      assert.equal(replaced?.kind, 'recreated');
      const second = replaced?.kind === 'recreated' ? replaced.token : undefined;
      assert.notEqual(second?.id, first?.id);
      assert.equal(w.server.descriptions.length, 2);

      w.server.revokeElsewhere(second!.id);
      assert.deepEqual(await w.run(creds.validate()), { kind: 'stopped' });
      assert.equal(w.server.descriptions.length, 2, 'created a third token');
      assert.ok(creds.isStopped());
      assert.equal(creds.tokenId(), undefined);
      await rejection(w.run(creds.ensureToken()), (e) => assert.equal((e as Error).message, stoppedMessage()));

      // Turning the setting off and on starts over.
      await w.run(creds.turnOff());
      assert.equal(creds.isStopped(), false);
      assert.ok(await w.run(creds.ensureToken()));
      assert.equal(w.server.descriptions.length, 3);
    });

    it('an unreachable server changes nothing', async () => {
      const creds = w.window();
      const token = await w.run(creds.ensureToken());
      w.server.checkFails = new Error('offline');
      assert.deepEqual(await w.run(creds.validate()), { kind: 'valid' });
      assert.equal(creds.tokenId(), token?.id);
    });

    it('when another window already replaced it, its replacement is used', async () => {
      const a = w.window();
      const b = w.window();
      const first = await w.run(a.ensureToken());
      w.server.revokeElsewhere(first!.id);
      const fromA = await w.run(a.validate());
      const fromB = await w.run(b.tokenGone(first!.id));
      assert.equal(w.server.descriptions.length, 2);
      assert.equal(fromA?.kind, 'recreated');
      assert.equal(fromB.kind, 'recreated');
      assert.deepEqual(fromA?.kind === 'recreated' && fromA.token, fromB.kind === 'recreated' && fromB.token);
    });
  });

  it('an unreadable stored record is dropped, not a crash', async () => {
    w.secrets.values.set(recordKey(ADA), '{"id": 1');
    const creds = w.window();
    assert.equal(await w.run(creds.stored()), undefined);
    assert.ok(await w.run(creds.ensureToken()));
  });
});

describe('terminalTokenApi over ModboxClient', () => {
  const client = (transport: FakeTransport) => new ModboxClient(
    new HttpClient({ transport, baseUrl: API_URL, version: '0.0.0', random: () => 0, baseBackoffMs: 1 }),
    { accessToken: async () => 'jwt', onUnauthorized: async () => undefined },
  );

  it('checks a token with the token itself: 200 works, 401 and 403 are refusals, offline throws', async () => {
    const transport = new FakeTransport(json(200, { workspaces: [] }), json(401, { detail: 'Not authenticated' }), json(403, { detail: 'no' }));
    const api = terminalTokenApi(client(transport));
    assert.equal(await api.tokenWorks('mbx_abcdefghijkl'), true);
    assert.equal(transport.requests[0].headers.authorization, 'Bearer mbx_abcdefghijkl');
    assert.equal(await api.tokenWorks('mbx_abcdefghijkl'), false);
    assert.equal(await api.tokenWorks('mbx_abcdefghijkl'), false);
    const offline = terminalTokenApi(client(new FakeTransport({ networkCode: 'ECONNREFUSED' }, { networkCode: 'ECONNREFUSED' }, { networkCode: 'ECONNREFUSED' })));
    await rejection(offline.tokenWorks('mbx_abcdefghijkl'), (e) => assert.ok(isModboxError(e) && e.kind === 'offline', String(e)));
  });

  it('creates with POST /api-tokens/ once and revokes by id', async () => {
    const transport = new FakeTransport(json(201, { id: 't1', description: 'd', token: 'mbx_abcdefghijkl' }), { status: 204 });
    const api = terminalTokenApi(client(transport));
    assert.deepEqual((await api.createApiToken('VS Code terminal – h')).id, 't1');
    await api.revokeApiToken('t1');
    assert.deepEqual(transport.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`), ['POST /api-tokens/', 'DELETE /api-tokens/t1']);
  });
});
