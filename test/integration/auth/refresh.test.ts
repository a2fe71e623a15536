// Staying signed in: refresh shared by all callers and all windows, and one
// clear prompt when the session really is over.
import * as assert from 'assert';
import { createUndiciTransport } from '../../../src/api/transport/undiciTransport';
import type { Backend } from '../../../src/auth/backend';
import { createBackend } from '../../../src/auth/backend';
import { sessionFromTokens, type StoredSession } from '../../../src/auth/session/session';
import { accountStore, storeAccountSession } from '../../support/accountStorage';
import type { TestHooks } from '../../../src/extension';
import { silentLogger } from '../../../src/log/logger';
import { systemClock } from '../../../src/util/clock';
import { control, ScriptedSignInUi, sessionWhere, stats } from './helpers';
import { useInstalledExtension } from '../installed';

interface Minted {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
}

/** A session whose access token this client already considers expired (as after a laptop sleeps). */
async function expiredSession(): Promise<StoredSession> {
  const minted = (await control('POST', '/session', {})) as Minted;
  const session = sessionFromTokens(
    { accessToken: minted.access_token, refreshToken: minted.refresh_token, expiresIn: minted.expires_in, refreshExpiresIn: minted.refresh_expires_in },
    'github',
    Date.now(),
  );
  return { ...session, accessExpiresAt: Date.now() - 1_000 };
}

describe('staying signed in (real VS Code, emulator)', function () {
  this.timeout(60_000);
  const ext = useInstalledExtension(() => new ScriptedSignInUi());
  let h: TestHooks;
  let prompts: ScriptedSignInUi;
  /** Another window signing in as the minted user (the seeded Ada): her own key and the account index. */
  let otherWindow: { write(session: StoredSession): Promise<void>; read(): Promise<StoredSession | undefined> };
  const extra: Backend[] = [];

  beforeEach(() => {
    ({ h, ui: prompts } = ext);
    let accountId: string | undefined;
    otherWindow = {
      write: (session) => {
        accountId = session.account.id;
        return storeAccountSession(h.secrets, h.account.apiUrl, session);
      },
      read: () => (accountId ? accountStore(h.secrets, h.account.apiUrl, accountId).read() : Promise.resolve(undefined)),
    };
  });

  afterEach(() => {
    extra.splice(0).forEach((b) => b.dispose());
  });

  /** A second window: its own store, refresher and client over the same SecretStorage. */
  function secondWindow(accountId: string): Backend {
    const backend = createBackend(h.account.apiUrl, accountId, {
      secrets: h.secrets,
      transport: createUndiciTransport({ env: {} }),
      clock: systemClock,
      log: silentLogger,
      version: '0.0.0-test',
      workspaceId: () => undefined,
    });
    extra.push(backend);
    return backend;
  }

  it('20 concurrent requests for an expired session make exactly one refresh', async () => {
    const session = await expiredSession();
    await control('POST', '/stats/reset');
    await otherWindow.write(session);
    await sessionWhere(h, (s) => s?.accessToken === session.accessToken);

    const results = await Promise.all(Array.from({ length: 20 }, () => h.account.freshSession()));
    const tokens = new Set(results.map((s) => s?.accessToken));
    assert.strictEqual(tokens.size, 1, 'callers got different tokens');
    assert.ok(!tokens.has(session.accessToken), 'the expired token was handed out');
    const s = await stats();
    assert.strictEqual(s.refreshCalls, 1);
    assert.strictEqual(s.refreshReuse, 0);
  });

  it('two windows sharing one keychain never present a spent refresh token', async () => {
    let other: Backend | undefined;
    for (let round = 0; round < 4; round++) {
      const current = (await otherWindow.read()) ?? (await expiredSession());
      other ??= secondWindow(current.account.id);
      const window2 = other;
      await otherWindow.write({ ...current, accessExpiresAt: Date.now() - 1_000 });
      await sessionWhere(h, (s) => (s?.accessExpiresAt ?? Infinity) < Date.now());
      const results = await Promise.all([
        ...Array.from({ length: 5 }, () => h.account.freshSession()),
        ...Array.from({ length: 5 }, () => window2.refresher.freshSession()),
      ]);
      assert.ok(results.every((r) => r !== undefined), `round ${round}: a window lost its session`);
    }
    const s = await stats();
    assert.strictEqual(s.refreshReuse, 0, 'a spent refresh token was presented');
    assert.ok(s.refreshCalls >= 4, `expected a refresh per round, saw ${s.refreshCalls}`);
    const mine = await h.account.freshSession();
    const theirs = await other?.refresher.freshSession();
    assert.strictEqual(mine?.accessToken, theirs?.accessToken, 'the windows disagree on the session');
  });

  it('a refused refresh ends the session with exactly one prompt for 20 callers, and none for a caller after it', async () => {
    const session = await expiredSession();
    await otherWindow.write(session);
    await sessionWhere(h, (s) => s?.accessToken === session.accessToken);
    // The server forgets the session (revoked elsewhere): the refresh token is refused.
    await control('POST', '/reset');

    const results = await Promise.all(Array.from({ length: 20 }, () => h.account.freshSession()));
    assert.ok(results.every((r) => r === undefined), 'a caller was handed the refused session');
    await sessionWhere(h, (s) => s === undefined);
    // The prompt follows the account's re-read of the store; load() queues behind every re-read already
    // started, so once it resolves any prompt those re-reads lead to (a duplicate included) has been shown.
    await h.account.load();
    // A caller arriving after the end must neither refresh again nor prompt again.
    assert.strictEqual(await h.account.freshSession(), undefined);
    await h.account.load();
    assert.deepStrictEqual(prompts.warnings.length, 1, `prompts: ${JSON.stringify(prompts.warnings)}`);
    assert.match(prompts.warnings[0], /session expired/);
    assert.strictEqual((await stats()).refreshCalls, 1, 'the refused refresh token was tried more than once');
    assert.strictEqual(await otherWindow.read(), undefined);
  });

  it('a 401 on an API call refreshes and retries once, invisibly', async () => {
    const minted = (await control('POST', '/session', {})) as Minted;
    const session = sessionFromTokens(
      { accessToken: minted.access_token, refreshToken: minted.refresh_token, expiresIn: minted.expires_in, refreshExpiresIn: minted.refresh_expires_in },
      'github',
      Date.now(),
    );
    await otherWindow.write(session);
    await sessionWhere(h, (s) => s?.accessToken === session.accessToken);
    // The server's clock moves past the access token's expiry; ours does not know.
    await control('POST', '/clock', { advanceSeconds: minted.expires_in + 5 });
    await control('POST', '/stats/reset');

    const workspaces = await h.account.client().listWorkspaces();
    assert.ok(workspaces.length >= 3);
    const calls = (await stats()).requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.deepStrictEqual(calls, ['GET /workspaces 401', 'POST /auth/refresh 200', 'GET /workspaces 200']);
    assert.strictEqual(prompts.warnings.length, 0);
  });

  for (const [name, fault] of [
    ['a 503', { kind: 'status', status: 503 }],
    ['a dropped connection', { kind: 'reset' }],
  ] as const) {
    it(`${name} during refresh keeps the session, and the next refresh after it works`, async () => {
      const session = await expiredSession();
      await otherWindow.write(session);
      await sessionWhere(h, (s) => s?.accessToken === session.accessToken);
      await control('POST', '/faults', { route: 'POST /auth/refresh', fault });

      const result = await h.account.freshSession();
      assert.strictEqual(result?.id, session.id, `the session was dropped on ${name}`);
      assert.strictEqual(h.account.session?.id, session.id);
      assert.strictEqual(prompts.warnings.length, 0, 'a transient failure prompted the user');

      await control('DELETE', '/faults');
      const later = await h.account.freshSession();
      assert.ok(later && later.accessToken !== session.accessToken, 'no refresh once the server was back');
    });
  }
});
