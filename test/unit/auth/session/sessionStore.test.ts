import * as assert from 'node:assert/strict';
import { sessionFromApiToken, sessionFromTokens } from '../../../../src/auth/session/session';
import { legacySessionKey, SessionStore, sessionKey } from '../../../../src/auth/session/sessionStore';
import { flushMicrotasks } from '../../../support/fakeClock';
import { CaptureLog, makeJwt } from '../helpers';
import { MemorySecretStorage } from '../../../support/memorySecretStorage';

const API = 'https://api.modbox.run';

describe('auth/sessionStore', () => {
  it('uses one versioned key per server and account, whatever the case, default port, slashes or spaces in its URL', () => {
    assert.equal(sessionKey('https://API.modbox.run/', 'u1'), 'modbox.accountSession.v1:["https://api.modbox.run","u1"]');
    assert.equal(sessionKey('https://api.modbox.run:443//', 'u1'), sessionKey('https://api.modbox.run', 'u1'));
    assert.equal(sessionKey(' http://127.0.0.1:8123/base/ ', 'u1'), 'modbox.accountSession.v1:["http://127.0.0.1:8123/base","u1"]');
    assert.notEqual(sessionKey('http://127.0.0.1:1', 'u1'), sessionKey('http://127.0.0.1:2', 'u1'));
    assert.notEqual(sessionKey(API, 'u1'), sessionKey(API, 'u2'));
    // An account id cannot make one server's key look like another's.
    assert.notEqual(sessionKey('http://a', 'b","c'), sessionKey('http://a","b', 'c'));
  });

  it('keeps the single-account key apart, for the migration', () => {
    assert.equal(legacySessionKey('https://API.modbox.run/'), 'modbox.session.v1:https://api.modbox.run');
  });

  it('refuses to store one account\'s session under another account\'s key', async () => {
    const store = new SessionStore(new MemorySecretStorage(), API, new CaptureLog(), 'someone-else');
    const session = sessionFromTokens({ accessToken: makeJwt({ sub: 'u' }), refreshToken: 'r', expiresIn: 300 }, 'github', 1);
    await assert.rejects(store.write(session), /another account/);
  });

  it('round-trips a session and clears it', async () => {
    const secrets = new MemorySecretStorage();
    const store = new SessionStore(secrets, API, new CaptureLog(), 'u');
    const session = sessionFromTokens({ accessToken: makeJwt({ sub: 'u' }), refreshToken: 'r', expiresIn: 300 }, 'github', 1);
    assert.equal(await store.read(), undefined);
    await store.write(session);
    assert.deepEqual(await store.read(), session);
    await store.clear();
    assert.equal(await store.read(), undefined);
  });

  it('keeps sessions of different servers apart', async () => {
    const secrets = new MemorySecretStorage();
    const prod = new SessionStore(secrets, API, new CaptureLog(), '');
    const local = new SessionStore(secrets, 'http://127.0.0.1:9000', new CaptureLog(), '');
    await prod.write(sessionFromApiToken('mbx_prodprodprod', undefined, 1));
    assert.equal(await local.read(), undefined);
    assert.equal((await prod.read())?.accessToken, 'mbx_prodprodprod');
  });

  for (const [name, raw] of [
    ['corrupt JSON', '{"accessToken":"mbx_secretsecret", oops'],
    ['a session of the wrong shape', JSON.stringify({ id: 1, accessToken: 'mbx_secretsecret' })],
  ] as const) {
    it(`drops ${name} with a log line that does not contain the value`, async () => {
      const secrets = new MemorySecretStorage();
      const log = new CaptureLog();
      const store = new SessionStore(secrets, API, log, '');
      secrets.values.set(store.key, raw);
      assert.equal(await store.read(), undefined);
      assert.equal(secrets.values.has(store.key), false, 'the bad value is deleted');
      assert.match(log.text, /Dropped the stored Modbox session/);
      assert.ok(!log.text.includes('secretsecret'));
    });
  }

  it('never throws when the keychain fails', async () => {
    const secrets = new MemorySecretStorage();
    secrets.get = () => Promise.reject(new Error('no keyring'));
    const log = new CaptureLog();
    const store = new SessionStore(secrets, API, log, '');
    assert.equal(await store.read(), undefined);
    assert.match(log.text, /no keyring/);
  });

  it('tells a window when another window changed its key, and only its key', async () => {
    const secrets = new MemorySecretStorage();
    const windowA = new SessionStore(secrets, API, new CaptureLog(), '');
    const windowB = new SessionStore(secrets, API, new CaptureLog(), '');
    const other = new SessionStore(secrets, 'http://127.0.0.1:9000', new CaptureLog(), '');
    let seenByA = 0;
    const sub = windowA.onDidChange(() => seenByA++);
    await windowB.write(sessionFromApiToken('mbx_fromwindowb', undefined, 1));
    await flushMicrotasks();
    assert.equal(seenByA, 1);
    await other.write(sessionFromApiToken('mbx_otherserver', undefined, 1));
    await secrets.store('unrelated', 'x');
    await flushMicrotasks();
    assert.equal(seenByA, 1);
    await windowB.clear();
    await flushMicrotasks();
    assert.equal(seenByA, 2);
    assert.equal((await windowA.read()), undefined);
    sub.dispose();
    await windowB.write(sessionFromApiToken('mbx_fromwindowb', undefined, 1));
    await flushMicrotasks();
    assert.equal(seenByA, 2);
  });
});
