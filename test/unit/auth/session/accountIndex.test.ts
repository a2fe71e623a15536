import * as assert from 'node:assert/strict';
import { AccountIndex, accountIndexKey, AccountLimitError, MAX_ACCOUNTS, parseIndex } from '../../../../src/auth/session/accountIndex';
import { FakeClock } from '../../../support/fakeClock';
import { MemorySecretStorage } from '../../../support/memorySecretStorage';
import { CaptureLog } from '../helpers';

const API = 'https://api.modbox.run';

function index(secrets: MemorySecretStorage, clock: FakeClock, log = new CaptureLog()): AccountIndex {
  return new AccountIndex({ secrets, apiUrl: API, clock, log, settleMs: 100 });
}

describe('auth/session/accountIndex', () => {
  it('keeps ids and labels per server, never tokens, and relabels without duplicating', async () => {
    const clock = new FakeClock();
    const secrets = new MemorySecretStorage();
    const i = index(secrets, clock);
    await clock.run(i.add({ id: 'u1', label: 'ada@example.com' }));
    await clock.run(i.add({ id: 'u2', label: 'grace@example.com' }));
    await clock.run(i.add({ id: 'u1', label: 'Ada L.' }));
    assert.deepEqual(await i.read(), [{ id: 'u1', label: 'Ada L.' }, { id: 'u2', label: 'grace@example.com' }]);
    assert.equal(i.key, accountIndexKey('https://API.modbox.run/'));
    await clock.run(i.remove('u1'));
    assert.deepEqual((await i.read()).map((a) => a.id), ['u2']);
  });

  it(`refuses a new account beyond ${MAX_ACCOUNTS} and keeps the list as it was`, async () => {
    const clock = new FakeClock();
    const secrets = new MemorySecretStorage();
    const i = index(secrets, clock);
    for (let n = 0; n < MAX_ACCOUNTS; n++) {
      await clock.run(i.add({ id: `u${n}`, label: `u${n}` }));
    }
    await assert.rejects(clock.run(i.add({ id: 'one-more', label: 'x' }, 'too many')), (err: Error) => err instanceof AccountLimitError && err.message === 'too many');
    assert.equal((await i.read()).length, MAX_ACCOUNTS);
    await clock.run(i.add({ id: 'u3', label: 'renamed' }));
  });

  it('two windows adding at the same moment both end listed', async () => {
    for (const gapMs of [0, 10, 50, 99]) {
      const clock = new FakeClock();
      const secrets = new MemorySecretStorage();
      const one = index(secrets, clock);
      const two = index(secrets, clock);
      const delayed = new Promise<void>((resolve) => clock.setTimeout(resolve, gapMs)).then(() => two.add({ id: 'grace', label: 'g' }));
      await clock.run(Promise.all([one.add({ id: 'ada', label: 'a' }), delayed]));
      assert.deepEqual((await one.read()).map((a) => a.id).sort(), ['ada', 'grace'], `gap ${gapMs} ms`);
    }
  });

  it('a removal and an addition racing keep the addition and drop the removed account', async () => {
    const clock = new FakeClock();
    const secrets = new MemorySecretStorage();
    const one = index(secrets, clock);
    const two = index(secrets, clock);
    await clock.run(one.add({ id: 'ada', label: 'a' }));
    await clock.run(Promise.all([one.remove('ada'), two.add({ id: 'grace', label: 'g' })]));
    assert.deepEqual((await one.read()).map((a) => a.id), ['grace']);
  });

  it('reads an unreadable or odd index leniently, as empty or without the bad entries', () => {
    assert.deepEqual(parseIndex('{oops'), []);
    assert.deepEqual(parseIndex('{"accounts":"x"}'), []);
    assert.deepEqual(parseIndex('{"accounts":[{"id":"a","label":"A"},{"id":"a","label":"dup"},{"id":3},null,{"id":"","label":""}]}'), [{ id: 'a', label: 'A' }]);
  });
});
