import * as assert from 'node:assert/strict';
import { AccountIndex } from '../../../../src/auth/session/accountIndex';
import { migrateLegacySession } from '../../../../src/auth/session/migration';
import { sessionFromTokens } from '../../../../src/auth/session/session';
import { legacySessionKey, SessionStore } from '../../../../src/auth/session/sessionStore';
import { FakeClock } from '../../../support/fakeClock';
import { MemorySecretStorage } from '../../../support/memorySecretStorage';
import { CaptureLog, makeJwt } from '../helpers';

const API = 'https://api.modbox.run';

describe('auth/session/migration', () => {
  function world() {
    const clock = new FakeClock();
    const secrets = new MemorySecretStorage();
    const log = new CaptureLog();
    const index = new AccountIndex({ secrets, apiUrl: API, clock, log, settleMs: 10 });
    const session = sessionFromTokens({ accessToken: makeJwt({ sub: 'u1', email: 'ada@example.com' }), refreshToken: 'rt-secret', expiresIn: 300 }, 'github', 1);
    return { clock, secrets, log, index, session };
  }

  it('moves the old session under its account, lists it, deletes the old key, and does nothing the second time', async () => {
    const { clock, secrets, log, index, session } = world();
    await secrets.store(legacySessionKey(API), JSON.stringify(session));
    assert.equal(await clock.run(migrateLegacySession(secrets, API, index, log)), 'u1');
    assert.deepEqual(await new SessionStore(secrets, API, log, 'u1').read(), session);
    assert.deepEqual(await index.read(), [{ id: 'u1', label: 'ada@example.com' }]);
    assert.equal(secrets.values.has(legacySessionKey(API)), false);
    assert.ok(!log.text.includes('rt-secret'));
    const writes = secrets.ops.filter((o) => !o.startsWith('get:')).length;
    assert.equal(await clock.run(migrateLegacySession(secrets, API, index, log)), undefined);
    assert.equal(secrets.ops.filter((o) => !o.startsWith('get:')).length, writes, 'the second run writes nothing');
  });

  it('two windows migrating at once end with one account and the session intact', async () => {
    const { clock, secrets, log, index, session } = world();
    await secrets.store(legacySessionKey(API), JSON.stringify(session));
    const other = new AccountIndex({ secrets, apiUrl: API, clock, log, settleMs: 10 });
    await clock.run(Promise.all([migrateLegacySession(secrets, API, index, log), migrateLegacySession(secrets, API, other, log)]));
    assert.deepEqual((await index.read()).map((a) => a.id), ['u1']);
    assert.equal((await new SessionStore(secrets, API, log, 'u1').read())?.refreshToken, 'rt-secret');
  });

  it('keeps a newer session already under the account rather than the old copy', async () => {
    const { clock, secrets, log, index, session } = world();
    const newer = { ...session, accessToken: makeJwt({ sub: 'u1', email: 'ada@example.com', jti: 'newer' }) };
    await new SessionStore(secrets, API, log, 'u1').write(newer);
    await secrets.store(legacySessionKey(API), JSON.stringify(session));
    await clock.run(migrateLegacySession(secrets, API, index, log));
    assert.equal((await new SessionStore(secrets, API, log, 'u1').read())?.accessToken, newer.accessToken);
  });
});
