// One definition of each secret's shape: whatever the validators and parsers
// accept, the redactor removes, and they all agree on what is a token.
import * as assert from 'node:assert/strict';
import { ModboxClient } from '../../../src/api/client';
import type { HttpClient } from '../../../src/api/http';
import { parseCreatedApiToken, parseTokenResponse } from '../../../src/api/parse';
import { parseCallback } from '../../../src/auth/signIn/callback';
import { decodeClaims } from '../../../src/auth/session/jwt';
import { sessionFromApiToken } from '../../../src/auth/session/session';
import { redact } from '../../../src/log/redact';
import { hasJwtShape, isApiToken, isSecretKey } from '../../../src/util/secretShapes';

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: object, signature = 'c2lnbmF0dXJl') => `${b64url({ alg: 'HS256' })}.${b64url(payload)}.${signature}`;

// validateApiToken sends the pasted token itself, never the session's credentials.
const noCredentials = {} as ConstructorParameters<typeof ModboxClient>[1];

const API_TOKENS = [
  'mbx_Q2x8sK3vP0aZ7mN4bR1tY6wE9uI5oL',
  'mbx_ab+Kq9/Zr7=Lm.Px3~Wd-Tn_Ys==',
  'mbx_AAAAAAAA',
  `mbx_${'z'.repeat(1024)}`,
];
const NOT_API_TOKENS = ['mbx_short', 'mbx_has space in it', 'mbx_', 'MBX_Q2x8sK3vP0aZ7mN4', 'sk_Q2x8sK3vP0aZ7mN4bR1', `mbx_${'z'.repeat(1025)}`, 'mbx_quote"inside12'];

describe('secret shapes', () => {
  for (const token of API_TOKENS) {
    it(`an API token (${token.slice(0, 16)}…) is accepted by every validator and removed by the redactor`, async () => {
      assert.ok(isApiToken(token));
      assert.equal(sessionFromApiToken(token, undefined, 0).accessToken, token);
      assert.equal(parseCreatedApiToken({ id: 't1', token }).token, token);
      const http = { request: async () => ({ status: 200, headers: {}, json: [] }) } as unknown as HttpClient;
      assert.deepEqual(await new ModboxClient(http, noCredentials).validateApiToken(token), []);
      const out = redact(`created ${token} and {"token": "${token}"}`);
      assert.ok(!out.includes(token.slice(4, 12)), out);
    });
  }

  for (const value of NOT_API_TOKENS) {
    it(`${JSON.stringify(value.slice(0, 24))} is refused by every validator`, async () => {
      assert.equal(isApiToken(value), false);
      assert.throws(() => sessionFromApiToken(value, undefined, 0));
      assert.throws(() => parseCreatedApiToken({ id: 't1', token: value }));
      const http = { request: async () => assert.fail('a malformed token was sent') } as unknown as HttpClient;
      await assert.rejects(new ModboxClient(http, noCredentials).validateApiToken(value), /doesn't look like a Modbox API token/);
    });
  }

  const jwts: Array<[string, string]> = [
    ['plain', jwt({ sub: 'u1' })],
    ['padded payload and signature', `${b64url({ alg: 'HS256' })}.${Buffer.from(JSON.stringify({ sub: 'u2' })).toString('base64')}.c2lnbmF0dXJlUGFk==`],
    ['empty signature', jwt({ sub: 'u3' }, '')],
  ];
  for (const [name, token] of jwts) {
    it(`a JWT (${name}) is read by the parsers and removed by the redactor`, () => {
      assert.ok(hasJwtShape(token));
      assert.ok(decodeClaims(token)?.sub);
      assert.equal(parseTokenResponse({ access_token: token }).accessToken, token);
      const cb = parseCallback(`#access_token=${token}&state=s1`);
      assert.equal(cb.kind, 'tokens');
      assert.equal(redact(`token ${token} ok`), 'token <jwt> ok');
    });
  }

  it('a JWT whose header is not JSON is refused', () => {
    assert.equal(hasJwtShape('abc.def.ghi'), false);
    assert.equal(decodeClaims('abc.def.ghi'), undefined);
  });

  it('every field the parsers read a credential from is a secret name to the redactor', () => {
    for (const key of ['access_token', 'accessToken', 'refresh_token', 'refreshToken', 'token', 'id_token', 'password', 'client_secret', 'api-key', 'x-api-key', 'apiKey', 'Authorization', 'state', 'code']) {
      assert.ok(isSecretKey(key), key);
    }
    for (const key of ['token_prefix', 'token_type', 'expires_in', 'description', 'id']) {
      assert.equal(isSecretKey(key), false, key);
    }
  });
});
