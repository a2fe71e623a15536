import * as assert from 'node:assert/strict';
import { decodeClaims, looksLikeJwt } from '../../../../src/auth/session/jwt';
import { makeJwt } from '../helpers';

describe('auth/jwt decodeClaims', () => {
  it('reads the display and timing claims of a JWT', () => {
    const token = makeJwt({ sub: 'u1', email: 'a@b.c', name: 'Ada', preferred_username: 'ada', exp: 200, iat: 100, iss: 'x', extra: 1 });
    assert.deepEqual(decodeClaims(token), { sub: 'u1', email: 'a@b.c', name: 'Ada', preferred_username: 'ada', exp: 200, iat: 100, iss: 'x' });
  });

  it('drops claims of the wrong type instead of trusting them', () => {
    const token = makeJwt({ sub: 42, email: ['x'], exp: 'soon', iat: -5, name: '' });
    assert.deepEqual(decodeClaims(token), {});
  });

  const garbage: [string, unknown][] = [
    ['not a string', 12],
    ['empty', ''],
    ['an API token', 'mbx_abcdef123456'],
    ['two segments', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0'],
    ['four segments', 'a.b.c.d'],
    ['payload not base64url', 'eyJhbGciOiJub25lIn0.!!!.sig'],
    ['payload not JSON', `eyJhbGciOiJub25lIn0.${Buffer.from('hello').toString('base64url')}.sig`],
    ['payload a JSON array', `eyJhbGciOiJub25lIn0.${Buffer.from('[1,2]').toString('base64url')}.sig`],
    ['payload JSON null', `eyJhbGciOiJub25lIn0.${Buffer.from('null').toString('base64url')}.sig`],
    ['oversized', `eyJhbGciOiJub25lIn0.${'A'.repeat(20_000)}.sig`],
    ['javascript URL', 'javascript:alert(1)'],
  ];
  for (const [name, value] of garbage) {
    it(`returns undefined for ${name}`, () => {
      assert.equal(decodeClaims(value), undefined);
      assert.equal(looksLikeJwt(value), false);
    });
  }
});
