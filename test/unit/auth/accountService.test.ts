// AccountService itself (not a double), over the real backend wiring
// (store, refresher, HTTP client) with an in-memory keychain, a fake clock
// and a fake Modbox behind the transport seam.
import '../../support/fakeVscode';
import * as assert from 'node:assert/strict';
import { AccountService } from '../../../src/auth/accountService';
import { createBackend } from '../../../src/auth/backend';
import type { Disposable } from '../../../src/auth/emitter';
import { ModboxAuthenticationProvider } from '../../../src/auth/provider';
import { sessionFromTokens, type StoredSession } from '../../../src/auth/session/session';
import { SessionStore, sessionKey } from '../../../src/auth/session/sessionStore';
import { FakeClock } from '../../support/fakeClock';
import { API, FakeModbox } from './fakeModbox';
import { CaptureLog, FakeAuthServer } from './helpers';
import { MemorySecretStorage } from '../../support/memorySecretStorage';

const STAGING = 'https://api.staging.modbox.run';

type SessionsEvent = { added: string[]; removed: string[]; changed: string[] };

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
  private readonly subs: Disposable[] = [];

  open(apiUrl = API): AccountService {
    const { secrets, clock, log } = this;
    const account = new AccountService(apiUrl, {
      log,
      createBackend: (url) => {
        this.backendsFor.push(url);
        return createBackend(url, { secrets, transport: this.modbox, clock, log, version: '0.0.0-test', workspaceId: () => undefined });
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
    return account;
  }

  /** What an SSO sign-in hands out now. */
  ssoSession(): StoredSession {
    return sessionFromTokens(this.auth.signIn(), 'github', this.clock.now());
  }

  /** Another window's view of the same keychain. */
  otherWindow(apiUrl = API): SessionStore {
    return new SessionStore(this.secrets, apiUrl, new CaptureLog());
  }

  stored(apiUrl = API): Promise<StoredSession | undefined> {
    return this.otherWindow(apiUrl).read();
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
    this.account?.dispose();
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
    assert.ok(h.secrets.values.has(sessionKey(API)));
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
    assert.ok(!h.secrets.values.has(sessionKey(API)));
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
    assert.deepEqual(h.backendsFor, [API, STAGING, API], 'the same URL again changes nothing');
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
});
