import * as assert from 'node:assert/strict';
import {
  diffSessions,
  refreshedSession,
  sessionFromApiToken,
  sessionFromTokens,
  validateStoredSession,
  type StoredSession,
} from '../../../../src/auth/session/session';
import { makeJwt } from '../helpers';

const NOW = 1_700_000_000_000;

describe('auth/session', () => {
  describe('sessionFromTokens', () => {
    it('labels the account with the email, then name, then username, then subject', () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ sub: 's', email: 'e@x', name: 'N', preferred_username: 'u' }, 'e@x'],
        [{ sub: 's', name: 'N', preferred_username: 'u' }, 'N'],
        [{ sub: 's', preferred_username: 'u' }, 'u'],
        [{ sub: 's' }, 's'],
      ];
      for (const [claims, label] of cases) {
        assert.equal(sessionFromTokens({ accessToken: makeJwt(claims) }, 'github', NOW).account.label, label);
      }
    });

    it('derives the id from the subject, so a new token for the same user keeps the session id', () => {
      const a = sessionFromTokens({ accessToken: makeJwt({ sub: 'user-7', jti: 1 }) }, 'google', NOW);
      const b = sessionFromTokens({ accessToken: makeJwt({ sub: 'user-7', jti: 2 }) }, 'google', NOW + 1);
      assert.equal(a.id, b.id);
      assert.ok(!a.id.includes(a.accessToken));
      assert.equal(a.account.id, 'user-7');
    });

    it('computes expiry times from the lifetimes on our clock', () => {
      const s = sessionFromTokens(
        { accessToken: makeJwt({ sub: 'u', iat: 1, exp: 301 }), refreshToken: 'r', expiresIn: 300, refreshExpiresIn: 1800 },
        'microsoft',
        NOW,
      );
      assert.equal(s.accessExpiresAt, NOW + 300_000);
      assert.equal(s.refreshExpiresAt, NOW + 1_800_000);
      assert.equal(s.refreshToken, 'r');
      assert.equal(s.provider, 'microsoft');
      assert.equal(s.kind, 'sso');
      assert.equal(s.createdAt, NOW);
    });

    it('falls back to the token lifetime from its claims when expires_in is missing', () => {
      const s = sessionFromTokens({ accessToken: makeJwt({ sub: 'u', iat: 1000, exp: 1300 }) }, undefined, NOW);
      assert.equal(s.accessExpiresAt, NOW + 300_000);
    });

    it('refuses an access token without a subject', () => {
      assert.throws(() => sessionFromTokens({ accessToken: 'not-a-jwt' }, 'github', NOW), /readable access token/);
      assert.throws(() => sessionFromTokens({ accessToken: makeJwt({ email: 'x@y' }) }, 'github', NOW), /readable access token/);
    });
  });

  describe('refreshedSession', () => {
    const base = sessionFromTokens(
      { accessToken: makeJwt({ sub: 'u' }), refreshToken: 'r1', expiresIn: 300, refreshExpiresIn: 1800 },
      'github',
      NOW,
    );

    it('keeps the refresh token when the server does not rotate it', () => {
      const next = refreshedSession(base, { accessToken: makeJwt({ sub: 'u', n: 2 }), expiresIn: 300 }, NOW + 250_000);
      assert.equal(next.refreshToken, 'r1');
      assert.equal(next.refreshExpiresAt, base.refreshExpiresAt);
      assert.equal(next.accessExpiresAt, NOW + 550_000);
      assert.equal(next.id, base.id);
      assert.equal(next.createdAt, base.createdAt);
    });

    it('takes the rotated refresh token and its new expiry', () => {
      const next = refreshedSession(
        base,
        { accessToken: makeJwt({ sub: 'u', n: 2 }), refreshToken: 'r2', expiresIn: 300, refreshExpiresIn: 1800 },
        NOW + 250_000,
      );
      assert.equal(next.refreshToken, 'r2');
      assert.equal(next.refreshExpiresAt, NOW + 250_000 + 1_800_000);
    });
  });

  describe('sessionFromApiToken', () => {
    it('labels an unknown account with the token prefix only', () => {
      const s = sessionFromApiToken('mbx_ab12cd34ef56gh78', undefined, NOW);
      assert.equal(s.account.label, 'API token mbx_ab12…');
      assert.equal(s.kind, 'apiToken');
      assert.equal(s.refreshToken, undefined);
      assert.equal(s.accessExpiresAt, undefined);
      assert.ok(!s.id.includes('ab12cd34ef56gh78'));
      assert.ok(!s.account.id.includes('ab12cd34ef56gh78'));
    });

    it('uses the account label when known, and a stable id for the same token', () => {
      const a = sessionFromApiToken(' mbx_ab12cd34ef56gh78 ', 'ada@example.com', NOW);
      const b = sessionFromApiToken('mbx_ab12cd34ef56gh78', undefined, NOW + 5);
      assert.equal(a.account.label, 'ada@example.com');
      assert.equal(a.accessToken, 'mbx_ab12cd34ef56gh78');
      assert.equal(a.id, b.id);
      assert.notEqual(a.id, sessionFromApiToken('mbx_zzzzzzzzzzzz', undefined, NOW).id);
    });

    it('refuses values that are not API tokens', () => {
      for (const bad of ['', 'abc', 'mbx_', 'mbx_ has spaces', makeJwt({ sub: 'x' })]) {
        assert.throws(() => sessionFromApiToken(bad), /mbx_/);
      }
    });
  });

  describe('validateStoredSession', () => {
    const good: StoredSession = {
      id: 'modbox:u',
      kind: 'sso',
      accessToken: 'a.b.c',
      refreshToken: 'r',
      accessExpiresAt: 10,
      refreshExpiresAt: 20,
      account: { id: 'u', label: 'U' },
      provider: 'github',
      createdAt: 5,
    };

    it('accepts a well-formed session and drops unknown fields', () => {
      assert.deepEqual(validateStoredSession({ ...good, future: true }), good);
      const api = sessionFromApiToken('mbx_ab12cd34ef56', undefined, 1);
      assert.deepEqual(validateStoredSession(JSON.parse(JSON.stringify(api))), api);
    });

    const broken: [string, unknown][] = [
      ['null', null],
      ['an array', [good]],
      ['a string', 'x'],
      ['no id', { ...good, id: undefined }],
      ['numeric id', { ...good, id: 1 }],
      ['unknown kind', { ...good, kind: 'password' }],
      ['empty access token', { ...good, accessToken: '' }],
      ['numeric refresh token', { ...good, refreshToken: 5 }],
      ['string expiry', { ...good, accessExpiresAt: '10' }],
      ['NaN expiry', { ...good, refreshExpiresAt: NaN }],
      ['no account', { ...good, account: undefined }],
      ['account without id', { ...good, account: { label: 'x' } }],
      ['unknown provider', { ...good, provider: 'facebook' }],
      ['no createdAt', { ...good, createdAt: undefined }],
      ['API token session with a refresh token', { ...good, kind: 'apiToken', accessToken: 'mbx_abcdefgh' }],
      ['API token session with a JWT', { ...good, kind: 'apiToken', refreshToken: undefined }],
    ];
    for (const [name, value] of broken) {
      it(`rejects ${name}`, () => assert.equal(validateStoredSession(value), undefined));
    }
  });

  describe('diffSessions', () => {
    const a = sessionFromTokens({ accessToken: makeJwt({ sub: 'a', n: 1 }), refreshToken: 'r1' }, 'github', NOW);
    const a2 = { ...a, accessToken: makeJwt({ sub: 'a', n: 2 }), refreshToken: 'r2' };
    const b = sessionFromTokens({ accessToken: makeJwt({ sub: 'b' }) }, 'github', NOW);
    const cases: [string, StoredSession | undefined, StoredSession | undefined, [number, number, number]][] = [
      ['nothing to nothing', undefined, undefined, [0, 0, 0]],
      ['sign-in', undefined, a, [1, 0, 0]],
      ['sign-out', a, undefined, [0, 1, 0]],
      ['same session', a, { ...a, account: { ...a.account } }, [0, 0, 0]],
      ['refreshed tokens', a, a2, [0, 0, 1]],
      ['another account', a, b, [1, 1, 0]],
    ];
    for (const [name, before, after, [added, removed, changed]] of cases) {
      it(`reports ${name}`, () => {
        const diff = diffSessions(before, after);
        assert.deepEqual([diff.added.length, diff.removed.length, diff.changed.length], [added, removed, changed]);
        if (added) assert.equal(diff.added[0], after);
        if (removed) assert.equal(diff.removed[0], before);
        if (changed) assert.equal(diff.changed[0], after);
      });
    }
  });
});
