// AccountService itself (not a double), over the real backend wiring
// (store, refresher, HTTP client) with an in-memory keychain, a fake clock
// and a fake Modbox behind the transport seam.
import '../../support/fakeVscode';
import * as assert from 'node:assert/strict';
import { AccountService } from '../../../src/auth/accountService';
import { createBackend } from '../../../src/auth/backend';
import type { Disposable } from '../../../src/auth/emitter';
import { ModboxAuthenticationProvider } from '../../../src/auth/provider';
import { AccountLimitError, MAX_ACCOUNTS } from '../../../src/auth/session/accountIndex';
import { sessionFromTokens, type StoredSession } from '../../../src/auth/session/session';
import { accountIndexKey, parseIndex } from '../../../src/auth/session/accountIndex';
import { legacySessionKey, SessionStore, sessionKey } from '../../../src/auth/session/sessionStore';
import { FakeClock } from '../../support/fakeClock';
import { API, FakeModbox } from './fakeModbox';
import { CaptureLog, FakeAuthServer, type Identity } from './helpers';
import { MemorySecretStorage } from '../../support/memorySecretStorage';

const STAGING = 'https://api.staging.modbox.run';

type SessionsEvent = { added: string[]; removed: string[]; changed: string[] };

const GRACE: Identity = { sub: 'user-2', email: 'grace@example.com' };

/** What another window writes when it signs in: the account's own key and its entry in the index. */
class OtherWindow {
  readonly store: SessionStore;
  constructor(private readonly secrets: MemorySecretStorage, private readonly apiUrl: string, accountId: string) {
    this.store = new SessionStore(secrets, apiUrl, new CaptureLog(), accountId);
  }

  async write(session: StoredSession): Promise<void> {
    await this.store.write(session);
    const key = accountIndexKey(this.apiUrl);
    const list = parseIndex(this.secrets.values.get(key) ?? '{}');
    if (!list.some((a) => a.id === session.account.id)) {
      await this.secrets.store(key, JSON.stringify({ accounts: [...list, { id: session.account.id, label: session.account.label }] }));
    }
  }

  read(): Promise<StoredSession | undefined> {
    return this.store.read();
  }

  clear(): Promise<void> {
    return this.store.clear();
  }
}

/** One window: AccountService with the real backend, and every event it fires. */
class Harness {
  readonly clock = new FakeClock();
  readonly secrets = new MemorySecretStorage();
  readonly log = new CaptureLog();
  readonly auth = new FakeAuthServer(this.clock);
  readonly modbox = new FakeModbox(this.auth);
  readonly backendsFor: string[] = [];
  /** What the next interactive sign-in returns; undefined plays a user who cancels. */
  nextSignIn: () => StoredSession | undefined = () => this.ssoSession();
  prompts = 0;
  readonly changes: (StoredSession | undefined)[] = [];
  readonly sessionsEvents: SessionsEvent[] = [];
  private account: AccountService | undefined;
  private readonly opened: AccountService[] = [];
  private readonly subs: Disposable[] = [];

  open(apiUrl = API): AccountService {
    const { secrets, clock, log } = this;
    const account = new AccountService(apiUrl, {
      log,
      secrets,
      clock,
      selection: this.selection,
      createBackend: (url, accountId) => {
        if (accountId !== '') this.backendsFor.push(url);
        return createBackend(url, accountId, { secrets, transport: this.modbox, clock, log, version: '0.0.0-test', workspaceId: () => undefined });
      },
      interactiveSignIn: () => Promise.resolve(this.nextSignIn()),
      promptSessionExpired: () => void this.prompts++,
    });
    this.subs.push(
      account.onDidChangeSession((s) => void this.changes.push(s)),
      account.onDidChangeSessions((e) => {
        const ids = (list: readonly { id: string }[]) => list.map((s) => s.id);
        this.sessionsEvents.push({ added: ids(e.added ?? []), removed: ids(e.removed ?? []), changed: ids(e.changed ?? []) });
      }),
    );
    this.account = account;
    this.opened.push(account);
    return account;
  }

  /** Selected account per server, as globalState would keep it. */
  readonly remembered = new Map<string, string>();
  readonly selection = {
    get: (apiUrl: string) => this.remembered.get(apiUrl),
    set: (apiUrl: string, id: string | undefined) => {
      if (id === undefined) this.remembered.delete(apiUrl);
      else this.remembered.set(apiUrl, id);
      return Promise.resolve();
    },
  };

  /** What an SSO sign-in hands out now (by default as ada, account `user-1`). */
  ssoSession(identity?: Identity): StoredSession {
    return sessionFromTokens(this.auth.signIn(identity), 'github', this.clock.now());
  }

  /** Another window's view of the same keychain (one account's session, and the index). */
  otherWindow(apiUrl = API, accountId = 'user-1'): OtherWindow {
    return new OtherWindow(this.secrets, apiUrl, accountId);
  }

  stored(apiUrl = API, accountId = 'user-1'): Promise<StoredSession | undefined> {
    return this.otherWindow(apiUrl, accountId).read();
  }

  /** Resolves with the next sessions event; `run` fails fast instead of hanging if none comes. */
  nextSessionsEvent(): Promise<SessionsEvent> {
    return new Promise((resolve) => {
      const count = this.sessionsEvents.length;
      const sub = this.account!.onDidChangeSessions(() => {
        sub.dispose();
        resolve(this.sessionsEvents[count]);
      });
    });
  }

  /** Settles `promise` on the fake clock without letting time pass. */
  now<T>(promise: Promise<T>): Promise<T> {
    return this.clock.run(promise, 0);
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.opened.forEach((a) => a.dispose());
  }
}

describe('auth/accountService AccountService', () => {
  let h: Harness;
  afterEach(() => h.dispose());

  it('loads the stored session without a network call, and says it has loaded', async () => {
    h = new Harness();
    const session = h.ssoSession();
    await h.otherWindow().write(session);
    const account = h.open();
    assert.equal(account.loaded, false);
    assert.equal(account.session?.id, undefined, 'nothing before load');
    await h.now(account.load());
    assert.equal(account.loaded, true);
    assert.equal(account.session?.accessToken, session.accessToken);
    assert.equal(account.session?.account.label, 'ada@example.com');
    assert.deepEqual(h.changes.map((s) => s?.id), [session.id, session.id], 'the added session, then "loaded"');
    assert.deepEqual(h.sessionsEvents, [{ added: [session.id], removed: [], changed: [] }]);
    assert.deepEqual(h.modbox.requests, []);
  });

  it('loads as signed out when nothing is stored, and refuses to hand out a client', async () => {
    h = new Harness();
    const account = h.open();
    await h.now(account.load());
    assert.equal(account.loaded, true);
    assert.equal(account.session, undefined);
    assert.deepEqual(h.changes, [undefined]);
    assert.deepEqual(h.sessionsEvents, []);
    assert.throws(() => account.client(), /Sign in to Modbox first/);
    assert.equal(await h.now(account.freshSession()), undefined);
  });

  it('sign-in stores the session in the keychain and announces it', async () => {
    h = new Harness();
    const account = h.open();
    await h.now(account.load());
    const session = await h.clock.run(account.signIn());
    assert.ok(session);
    assert.equal(account.session?.accessToken, session.accessToken);
    assert.equal((await h.stored())?.refreshToken, session.refreshToken);
    assert.ok(h.secrets.values.has(sessionKey(API, 'user-1')));
    assert.equal(h.changes.at(-1)?.id, session.id);
    assert.deepEqual(h.sessionsEvents, [{ added: [session.id], removed: [], changed: [] }]);
    assert.ok(!h.log.text.includes(session.accessToken) && !h.log.text.includes(session.refreshToken!), 'no token in the log');
  });

  it('a cancelled sign-in stores nothing and fires nothing', async () => {
    h = new Harness();
    h.nextSignIn = () => undefined;
    const account = h.open();
    await h.now(account.load());
    assert.equal(await h.clock.run(account.signIn()), undefined);
    assert.equal(account.session, undefined);
    assert.equal(await h.stored(), undefined);
    assert.deepEqual(h.changes, [undefined]);
    assert.deepEqual(h.sessionsEvents, []);
  });

  it('sign-out revokes the session on the server and clears it locally', async () => {
    h = new Harness();
    const account = h.open();
    await h.now(account.load());
    const session = (await h.clock.run(account.signIn()))!;
    await h.clock.run(account.signOut());
    assert.deepEqual(h.modbox.loggedOut, [session.refreshToken]);
    assert.equal(account.session, undefined);
    assert.equal(await h.stored(), undefined);
    assert.ok(!h.secrets.values.has(sessionKey(API, 'user-1')));
    assert.deepEqual(h.sessionsEvents.at(-1), { added: [], removed: [session.id], changed: [] });
    assert.equal(h.changes.at(-1), undefined);
  });

  it('sign-out runs its hooks after the local sign-out, before the server one, with the ending session\'s token', async () => {
    h = new Harness();
    const account = h.open();
    await h.now(account.load());
    const session = (await h.clock.run(account.signIn()))!;
    const seen: string[] = [];
    account.beforeServerSignOut(async (client, ending) => {
      seen.push(`signed in here: ${account.session !== undefined}`, `ending: ${ending.id === session.id}`, `logged out: ${h.modbox.loggedOut.length}`);
      await client.listWorkspaces();
    });
    const failing = account.beforeServerSignOut(() => Promise.reject(new Error('hook failed')));
    await h.clock.run(account.signOut());
    assert.deepEqual(seen, ['signed in here: false', 'ending: true', 'logged out: 0']);
    const list = h.modbox.requests.find((r) => r.call === 'GET /workspaces');
    assert.equal(list?.token, session.accessToken, 'the hook did not call with the ending session');
    assert.deepEqual(h.modbox.loggedOut, [session.refreshToken], 'a failing hook stopped the server sign-out');
    assert.match(h.log.text, /A sign-out step failed: hook failed/);
    failing.dispose();
  });

  it('sign-out with the server unreachable still signs out here, and says why in the log', async () => {
    h = new Harness();
    const account = h.open();
    await h.now(account.load());
    await h.clock.run(account.signIn());
    h.modbox.offline = true;
    await h.clock.run(account.signOut());
    assert.equal(account.session, undefined);
    assert.equal(await h.stored(), undefined);
    assert.match(h.log.text, /Server-side sign-out failed/);
    assert.deepEqual(h.modbox.loggedOut, []);
  });

  it('follows another window signing in, refreshing and signing out', async () => {
    h = new Harness();
    const account = h.open();
    await h.now(account.load());
    const other = h.otherWindow();

    const first = h.ssoSession();
    let event = h.nextSessionsEvent();
    await other.write(first);
    assert.deepEqual(await h.now(event), { added: [first.id], removed: [], changed: [] });
    assert.equal(account.session?.accessToken, first.accessToken);

    const renewed: StoredSession = { ...first, accessToken: h.ssoSession().accessToken };
    event = h.nextSessionsEvent();
    await other.write(renewed);
    assert.deepEqual(await h.now(event), { added: [], removed: [], changed: [first.id] });
    assert.equal(account.session?.accessToken, renewed.accessToken);

    event = h.nextSessionsEvent();
    await other.clear();
    assert.deepEqual(await h.now(event), { added: [], removed: [first.id], changed: [] });
    assert.equal(account.session, undefined);
    assert.equal(h.changes.at(-1), undefined);
    assert.deepEqual(h.modbox.requests, [], 'following the keychain costs no request');
  });

  it('switching the API URL shows that server\'s session, and leaves the other one stored', async () => {
    h = new Harness();
    const prod = h.ssoSession();
    await h.otherWindow(API).write(prod);
    const account = h.open(API);
    await h.now(account.load());

    await h.now(account.switchApiUrl(STAGING));
    assert.equal(account.apiUrl, STAGING);
    assert.equal(account.session?.id, undefined, 'not signed in to staging');
    assert.deepEqual(h.sessionsEvents.at(-1), { added: [], removed: [prod.id], changed: [] });
    assert.equal((await h.stored(API))?.accessToken, prod.accessToken, 'the production session is kept');
    assert.deepEqual(h.modbox.loggedOut, []);

    // The old server's keychain entry no longer drives this window.
    const events = h.sessionsEvents.length;
    await h.now(h.otherWindow(API).clear());
    await h.now(h.otherWindow(API).write(prod));
    assert.equal(h.sessionsEvents.length, events);

    await h.now(account.switchApiUrl(API));
    assert.equal(account.session?.accessToken, prod.accessToken);
    assert.deepEqual(h.sessionsEvents.at(-1), { added: [prod.id], removed: [], changed: [] });

    await h.now(account.switchApiUrl(API));
    assert.deepEqual(h.backendsFor, [API, API], 'one backend per account on the server shown; the same URL again changes nothing');
  });

  it('a 401 on an API call refreshes once and retries with the new token', async () => {
    h = new Harness();
    const account = h.open();
    await h.now(account.load());
    const session = (await h.clock.run(account.signIn()))!;
    h.modbox.rejected.add(session.accessToken);
    const workspaces = await h.clock.run(account.client().listWorkspaces());
    assert.deepEqual(workspaces.map((w) => w.id), ['ws-1']);
    assert.deepEqual(h.modbox.calls(), ['GET /workspaces', 'POST /auth/refresh', 'GET /workspaces']);
    const [first, , retry] = h.modbox.requests;
    assert.equal(first.token, session.accessToken);
    assert.notEqual(retry.token, session.accessToken);
    assert.equal((await h.stored())?.accessToken, retry.token, 'the new tokens are stored');
    assert.equal(account.session?.accessToken, retry.token);
    assert.deepEqual(h.sessionsEvents.at(-1), { added: [], removed: [], changed: [session.id] });
    assert.equal(h.prompts, 0);
  });

  it('a refused refresh ends the session with one session-expired prompt, however many calls fail', async () => {
    h = new Harness();
    const account = h.open();
    await h.now(account.load());
    const session = (await h.clock.run(account.signIn()))!;
    h.auth.revokeAll();
    h.modbox.rejected.add(session.accessToken);
    const calls = Array.from({ length: 5 }, () => account.client().listWorkspaces().then(() => 'ok', (e: Error) => e.message));
    const results = await h.clock.run(Promise.all(calls));
    assert.deepEqual(new Set(results), new Set(['Modbox did not accept your sign-in. Sign in again.']), 'every call says to sign in again');
    assert.equal(h.auth.log.length, 1, 'one refresh attempt for five failed calls');
    assert.equal(account.session, undefined);
    assert.equal(await h.stored(), undefined);
    assert.equal(h.prompts, 1);
    assert.deepEqual(h.sessionsEvents.at(-1), { added: [], removed: [session.id], changed: [] });
    await h.clock.advance(3600_000);
    assert.equal(await h.now(account.freshSession()), undefined);
    assert.equal(h.prompts, 1, 'still one prompt an hour later');
  });

  it('concurrent getSession calls on a nearly expired session share one refresh', async () => {
    h = new Harness();
    const session = h.ssoSession();
    await h.otherWindow().write(session);
    await h.clock.advance(280_000); // VS Code restarts with 20 s left on the access token
    const account = h.open();
    await h.now(account.load());
    const provider = new ModboxAuthenticationProvider(account);
    const viaProvider = Array.from({ length: 5 }, () => provider.getSessions().then((s) => s[0]?.accessToken));
    const direct = Array.from({ length: 5 }, () => account.freshSession().then((s) => s?.accessToken));
    const tokens = await h.clock.run(Promise.all([...viaProvider, ...direct]));
    assert.deepEqual(h.modbox.calls(), ['POST /auth/refresh']);
    assert.equal(new Set(tokens).size, 1, 'every caller got the same token');
    assert.notEqual(tokens[0], session.accessToken);
    assert.equal((await h.stored())?.accessToken, tokens[0]);
  });

  it('an unreachable server during refresh keeps the session and its still-valid token', async () => {
    h = new Harness();
    const session = h.ssoSession();
    await h.otherWindow().write(session);
    await h.clock.advance(280_000);
    const account = h.open();
    await h.now(account.load());
    h.modbox.offline = true;
    const got = await h.clock.run(account.freshSession());
    assert.equal(got?.accessToken, session.accessToken);
    assert.equal(account.session?.accessToken, session.accessToken);
    assert.equal((await h.stored())?.refreshToken, session.refreshToken);
    assert.equal(h.prompts, 0);
  });

  describe('several accounts', () => {
    /** Signs in as ada, then as grace. */
    async function twoAccounts(): Promise<{ account: AccountService; ada: StoredSession; grace: StoredSession }> {
      const account = h.open();
      await h.now(account.load());
      const ada = (await h.clock.run(account.signIn()))!;
      h.nextSignIn = () => h.ssoSession(GRACE);
      const grace = (await h.clock.run(account.signIn()))!;
      return { account, ada, grace };
    }

    it('signing in with another identity adds an account and selects it; the provider lists both', async () => {
      h = new Harness();
      const { account, ada, grace } = await twoAccounts();
      assert.deepEqual(account.accounts.map((a) => [a.id, a.label, a.selected]), [
        ['user-1', 'ada@example.com', false],
        ['user-2', 'grace@example.com', true],
      ]);
      assert.equal(account.session?.accessToken, grace.accessToken);
      assert.equal(h.remembered.get(API), 'user-2', 'the selection is remembered by id');
      assert.equal((await h.stored(API, 'user-1'))?.accessToken, ada.accessToken);
      assert.equal((await h.stored(API, 'user-2'))?.accessToken, grace.accessToken);
      const provider = new ModboxAuthenticationProvider(account);
      assert.deepEqual((await h.now(provider.getSessions([]))).map((s) => s.account.id), ['user-1', 'user-2']);
      assert.deepEqual((await h.now(provider.getSessions([], { account: { id: 'user-1' } }))).map((s) => s.accessToken), [ada.accessToken]);
      assert.deepEqual(await h.now(provider.getSessions([], { account: { id: 'nobody' } })), []);
      assert.ok(!JSON.stringify([...h.remembered]).includes(ada.accessToken), 'no token in globalState');
    });

    it('switching the selected account changes what the views see, and nothing in the keychain', async () => {
      h = new Harness();
      const { account, ada } = await twoAccounts();
      const ops = h.secrets.ops.length;
      assert.equal(await account.select('user-1'), true);
      assert.equal(account.session?.accessToken, ada.accessToken);
      assert.equal(h.changes.at(-1)?.id, ada.id);
      assert.equal(account.client(), account.client(), 'one client per account');
      assert.equal(await account.select('nobody'), false);
      assert.equal(account.selectedAccountId, 'user-1');
      assert.deepEqual(h.secrets.ops.slice(ops).filter((o) => !o.startsWith('get:')), []);
    });

    it('signing in again with a known identity replaces its tokens and does not add an account', async () => {
      h = new Harness();
      const { account, ada } = await twoAccounts();
      h.nextSignIn = () => h.ssoSession();
      const again = (await h.clock.run(account.signIn()))!;
      assert.notEqual(again.accessToken, ada.accessToken);
      assert.equal(account.accounts.length, 2);
      assert.equal((await h.stored(API, 'user-1'))?.accessToken, again.accessToken);
      assert.deepEqual(h.sessionsEvents.at(-1), { added: [], removed: [], changed: [ada.id] });
      assert.equal(account.session?.account.id, 'user-1');
    });

    it('sign-out of one account revokes only its server session and deletes only its data', async () => {
      h = new Harness();
      const { account, ada, grace } = await twoAccounts();
      await h.clock.run(account.signOut('user-2'));
      assert.deepEqual(h.modbox.loggedOut, [grace.refreshToken]);
      assert.equal(await h.stored(API, 'user-2'), undefined);
      assert.equal((await h.stored(API, 'user-1'))?.refreshToken, ada.refreshToken);
      assert.deepEqual(account.accounts.map((a) => a.id), ['user-1']);
      assert.equal(account.session?.accessToken, ada.accessToken, 'the remaining account is selected');
      assert.deepEqual(h.sessionsEvents.at(-1), { added: [], removed: [grace.id], changed: [] });
      await h.clock.run(account.signOut());
      assert.equal(account.session, undefined);
      assert.deepEqual(account.accounts, []);
      assert.deepEqual(h.modbox.loggedOut, [grace.refreshToken, ada.refreshToken]);
      assert.equal(h.changes.at(-1), undefined, 'the views go back to signed out');
    });

    it('removeSession signs out of the account that session belongs to', async () => {
      h = new Harness();
      const { account, ada } = await twoAccounts();
      await h.clock.run(new ModboxAuthenticationProvider(account).removeSession(ada.id));
      assert.deepEqual(account.accounts.map((a) => a.id), ['user-2']);
      assert.equal(await h.stored(API, 'user-1'), undefined);
    });

    it('createSession for an account that is signed in returns its session without a sign-in', async () => {
      h = new Harness();
      const { account, ada } = await twoAccounts();
      h.nextSignIn = () => assert.fail('no sign-in expected');
      const got = await h.clock.run(new ModboxAuthenticationProvider(account).createSession([], { account: { id: 'user-1' } }));
      assert.equal(got.accessToken, ada.accessToken);
    });

    it('a refused refresh token signs out only that account, which stays listed as signed out', async () => {
      h = new Harness();
      const { account, ada, grace } = await twoAccounts();
      await account.select('user-1');
      h.auth.revokeIdentity('user-2');
      h.modbox.rejected.add(grace.accessToken);
      await h.clock.advance(290_000); // both access tokens are due
      await h.clock.run(account.freshSession('user-2'));
      await h.clock.run(account.freshSession('user-1'));
      const [first, second] = account.accounts;
      assert.equal(second.id, 'user-2');
      assert.equal(second.session, undefined, 'grace is signed out');
      assert.equal(second.label, 'grace@example.com', 'and still listed by name');
      assert.ok(first.session, 'ada is not');
      assert.notEqual(first.session.refreshToken, ada.refreshToken, 'ada refreshed normally');
      assert.equal(account.session?.account.id, 'user-1');
      assert.equal(h.prompts, 0, 'no session-expired prompt for an account that is not shown');
    });

    it('refreshing one account never touches the other account\'s keys', async () => {
      h = new Harness();
      const { account, ada } = await twoAccounts();
      await account.select('user-1');
      const graceKey = sessionKey(API, 'user-2');
      const ops = h.secrets.ops.length;
      h.modbox.rejected.add(ada.accessToken);
      await h.clock.run(account.client().listWorkspaces());
      const written = h.secrets.ops.slice(ops).filter((o) => o.startsWith('store:') || o.startsWith('delete:'));
      assert.ok(written.includes(`store:${sessionKey(API, 'user-1')}`), 'ada was refreshed');
      assert.ok(!written.some((o) => o.includes(graceKey) || o.includes('"user-2"')), `grace untouched: ${written.join()}`);
    });

    it(`refuses an eleventh account with a clear message and stores nothing for it`, async () => {
      h = new Harness();
      const account = h.open();
      await h.now(account.load());
      for (let i = 1; i <= MAX_ACCOUNTS; i++) {
        h.nextSignIn = () => h.ssoSession({ sub: `user-${i}`, email: `u${i}@example.com` });
        await h.clock.run(account.signIn());
      }
      assert.equal(account.accounts.length, MAX_ACCOUNTS);
      h.nextSignIn = () => h.ssoSession({ sub: 'user-11', email: 'u11@example.com' });
      await assert.rejects(h.clock.run(account.signIn()), (err: Error) => err instanceof AccountLimitError && /at most 10 Modbox accounts/.test(err.message));
      assert.equal(await h.stored(API, 'user-11'), undefined);
      assert.equal(account.accounts.length, MAX_ACCOUNTS);
      h.nextSignIn = () => h.ssoSession({ sub: 'user-3', email: 'u3@example.com' });
      assert.ok(await h.clock.run(account.signIn()), 'a known account can still sign in again');
    });

    it('two windows adding accounts at the same time both end with both accounts, no tokens lost', async () => {
      h = new Harness();
      const one = h.open();
      const two = h.open();
      await h.now(Promise.all([one.load(), two.load()]));
      const ada = h.ssoSession();
      const grace = h.ssoSession(GRACE);
      let n = 0;
      h.nextSignIn = () => (n++ === 0 ? ada : grace);
      await h.clock.run(Promise.all([one.signIn(), two.signIn()]));
      await h.clock.advance(1_000);
      assert.deepEqual(parseIndex(h.secrets.values.get(accountIndexKey(API))!).map((a) => a.id).sort(), ['user-1', 'user-2']);
      assert.equal((await h.stored(API, 'user-1'))?.accessToken, ada.accessToken);
      assert.equal((await h.stored(API, 'user-2'))?.accessToken, grace.accessToken);
      for (const w of [one, two]) {
        assert.deepEqual(w.accounts.map((a) => a.id).sort(), ['user-1', 'user-2']);
      }
    });

    it('an index that lost a signed-in account in a race is repaired', async () => {
      h = new Harness();
      const { account } = await twoAccounts();
      // Another window wrote a list computed before grace was added.
      await h.secrets.store(accountIndexKey(API), JSON.stringify({ accounts: [{ id: 'user-1', label: 'ada@example.com' }] }));
      await h.clock.advance(1_000);
      assert.deepEqual(parseIndex(h.secrets.values.get(accountIndexKey(API))!).map((a) => a.id), ['user-1', 'user-2']);
      assert.deepEqual(account.accounts.map((a) => a.id), ['user-1', 'user-2']);
    });

    it('remembers the selected account for the next start', async () => {
      h = new Harness();
      const { account } = await twoAccounts();
      await account.select('user-1');
      const next = h.open();
      await h.now(next.load());
      assert.equal(next.session?.account.id, 'user-1');
    });
  });

  describe('migration from the single-account layout', () => {
    it('moves the old session under its account on first start, once, without signing anyone out', async () => {
      h = new Harness();
      const session = h.ssoSession();
      await h.secrets.store(legacySessionKey(API), JSON.stringify(session));
      const account = h.open();
      await h.clock.run(account.load());
      assert.equal(account.session?.accessToken, session.accessToken);
      assert.equal((await h.stored(API, 'user-1'))?.refreshToken, session.refreshToken);
      assert.equal(h.secrets.values.has(legacySessionKey(API)), false, 'the old key is gone');
      assert.deepEqual(parseIndex(h.secrets.values.get(accountIndexKey(API))!), [{ id: 'user-1', label: 'ada@example.com' }]);
      assert.deepEqual(h.sessionsEvents, [{ added: [session.id], removed: [], changed: [] }], 'never reported as removed');
      assert.equal(h.remembered.get(API), 'user-1');
      assert.deepEqual(h.modbox.requests, [], 'no network');
      const ops = h.secrets.ops.length;
      const again = h.open();
      await h.now(again.load());
      assert.ok(!h.secrets.ops.slice(ops).some((o) => o.startsWith('store:')), 'the second start writes nothing');
      assert.equal(again.session?.accessToken, session.accessToken);
    });

    it('never overwrites an account\'s newer session with the old copy, and drops an unreadable old one', async () => {
      h = new Harness();
      const old = h.ssoSession();
      const newer = h.ssoSession();
      await h.otherWindow().write(newer);
      await h.secrets.store(legacySessionKey(API), JSON.stringify(old));
      await h.secrets.store(legacySessionKey(STAGING), '{oops');
      const account = h.open();
      await h.clock.run(account.load());
      assert.equal(account.session?.accessToken, newer.accessToken);
      await h.clock.run(account.switchApiUrl(STAGING));
      assert.equal(h.secrets.values.has(legacySessionKey(STAGING)), false);
      assert.equal(account.session, undefined);
    });
  });
});
