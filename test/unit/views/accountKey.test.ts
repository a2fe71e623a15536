import * as assert from 'node:assert/strict';
import { accountKey } from '../../../src/views/accountKey';

describe('accountKey', () => {
  const a = { id: 'modbox:u1', account: { id: 'u1' } };
  it('stays the same across a token refresh (same session, new tokens)', () => {
    assert.equal(accountKey('http://x', { ...a, accessToken: 'one' } as typeof a), accountKey('http://x', { ...a, accessToken: 'two' } as typeof a));
  });
  it('changes with the account, the server, and on sign-out', () => {
    const base = accountKey('http://x', a);
    assert.notEqual(base, accountKey('http://x', { id: 'modbox:u2', account: { id: 'u2' } }));
    assert.notEqual(base, accountKey('http://y', a));
    assert.equal(accountKey('http://x', undefined), undefined);
  });
});
