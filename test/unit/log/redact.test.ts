import * as assert from 'node:assert/strict';
import { redact, redactValue } from '../../../src/log/redact';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE3MDB9.c2lnbmF0dXJlLXBhcnQ';
const MBX = 'mbx_Q2x8sK3vP0aZ7mN4bR1tY6wE9uI5oL';
const OPAQUE = 'Zr8Kq1Lm2Np3Oq4Pr5Qs6Rt7Su8Tv9Uw0Vx1Wy2Xz3';

function assertNoSecret(text: string, ...secrets: string[]): void {
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `secret leaked: ${text}`);
  }
}

describe('redact', () => {
  const cases: Array<[string, string, string[]]> = [
    ['bearer header', `Authorization: Bearer ${OPAQUE}`, [OPAQUE]],
    ['bearer in prose', `sent bearer ${OPAQUE} to server`, [OPAQUE]],
    ['proxy basic auth header', 'Proxy-Authorization: Basic dXNlcjpwYXNz', ['dXNlcjpwYXNz']],
    ['bare JWT', `token is ${JWT} ok`, [JWT, 'c2lnbmF0dXJlLXBhcnQ']],
    ['mbx token', `created ${MBX}.`, [MBX.slice(4)]],
    ['query string', `GET https://api.modbox.run/x?access_token=${OPAQUE}&page=2`, [OPAQUE]],
    ['fragment', `https://example.com/done#access_token=${OPAQUE}&refresh_token=r3fr3sh&state=st4te`, [OPAQUE, 'r3fr3sh', 'st4te']],
    ['form body', `refresh_token=${OPAQUE}&grant_type=refresh_token`, [OPAQUE]],
    ['password in form', 'username=a%40b.c&password=hunter2&x=1', ['hunter2']],
    ['JSON body', `{"success":true,"tokens":{"access_token":"${JWT}","refresh_token":"${OPAQUE}","expires_in":300}}`, [JWT, OPAQUE]],
    ['JSON with escaped quote', '{"password":"a\\"bcSECRETdef","x":1}', ['SECRETdef']],
    ['JSON camelCase', `{"accessToken":"${OPAQUE}","recaptchaToken":"capt-value-x"}`, [OPAQUE, 'capt-value-x']],
    ['inspect dump', `{ refresh_token: '${OPAQUE}', id: 1 }`, [OPAQUE]],
    ['id_token and token keys', `id_token=${OPAQUE} token=abc123def`, [OPAQUE, 'abc123def']],
    ['oauth code', 'http://127.0.0.1:5000/?code=4/0AbCdEf&state=xyz', ['4/0AbCdEf', 'xyz']],
    ['vscode callback query', `vscode://modbox.vscode-modbox/auth-callback?foo=${OPAQUE}`, [OPAQUE]],
    ['vscode callback fragment', `opened vscode-insiders://modbox.vscode-modbox/auth-callback#x=${OPAQUE}&y=2 now`, [OPAQUE]],
    ['loopback callback path', `http://127.0.0.1:4711/callback?anything=${OPAQUE}`, [OPAQUE]],
    ['proxy URL credentials', 'using proxy http://alice:s3cretPw@proxy.corp:3128', ['s3cretPw']],
  ];
  for (const [name, input, secrets] of cases) {
    it(`removes secrets: ${name}`, () => {
      const out = redact(input);
      assertNoSecret(out, ...secrets);
      assert.notEqual(out, input);
    });
  }

  it('keeps the shape of a callback URI but drops its query or fragment', () => {
    assert.equal(redact('vscode://modbox.vscode-modbox/auth-callback?state=1&code=2'), 'vscode://modbox.vscode-modbox/auth-callback?<redacted>');
    assert.equal(redact('vscode://modbox.vscode-modbox/auth-callback#access_token=a'), 'vscode://modbox.vscode-modbox/auth-callback#<redacted>');
  });

  it('keeps non-secret parts of a query readable', () => {
    assert.equal(redact('https://api.modbox.run/auth/sso/github?redirect_uri=x&state=abc'), 'https://api.modbox.run/auth/sso/github?redirect_uri=x&state=<redacted>');
  });

  it('keeps the user name of a proxy URL', () => {
    assert.equal(redact('http://alice:pw@proxy:8080/'), 'http://alice:<redacted>@proxy:8080/');
  });

  it('marks what kind of secret was removed', () => {
    assert.equal(redact(`Authorization: Bearer ${JWT}`), 'Authorization: <redacted>');
    assert.equal(redact(`x ${JWT}`), 'x <jwt>');
    assert.equal(redact(MBX), 'mbx_<redacted>');
    assert.equal(redact(`{"refresh_token":"${OPAQUE}"}`), '{"refresh_token":"<redacted>"}');
  });

  const readable = [
    'GET https://api.modbox.run/workspaces -> 200 in 43 ms',
    'Workspace 3f1c9a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b selected',
    'connect ECONNREFUSED 127.0.0.1:8080',
    '{"code":"ECONNREFUSED","errno":-111}',
    'exit code=1',
    'Token refresh scheduled in 240 s',
    'Basic settings loaded',
    'https://app.modbox.run/settings?tab=tokens',
    'token_type=Bearer&expires_in=300',
    'Refreshing the session (expires_in 300, refresh_expires_in 1800)',
    '{"token_prefix":"mbx","created_at":"2024-05-01T10:00:00Z","last_used_at":null}',
  ];
  for (const text of readable) {
    it(`leaves non-secret text readable: ${text}`, () => {
      assert.equal(redact(text), text);
    });
  }

  it('is idempotent', () => {
    const once = redact(`Authorization: Bearer ${JWT} ?refresh_token=${OPAQUE} ${MBX}`);
    assert.equal(redact(once), once);
  });

  it('caps very long text', () => {
    const out = redact('a'.repeat(100_000));
    assert.ok(out.length < 21_000);
    assert.match(out, /more characters/);
  });
});

describe('redactValue', () => {
  it('redacts an Error message and stack, keeping its code', () => {
    const err = Object.assign(new Error(`refresh failed for refresh_token=${OPAQUE}`), { code: 'E_TEST' });
    const out = redactValue(err);
    assertNoSecret(out, OPAQUE);
    assert.match(out, /refresh failed/);
    assert.match(out, /\[E_TEST\]/);
  });

  it('redacts objects by key, even nested, and survives cycles', () => {
    const value: Record<string, unknown> = { headers: { Authorization: `Bearer ${OPAQUE}` }, tokens: { access_token: JWT, refreshToken: 'r-1' }, n: 5 };
    value.self = value;
    const out = redactValue(value);
    assertNoSecret(out, OPAQUE, JWT, 'r-1');
    assert.match(out, /"n":5/);
    assert.match(out, /\[circular\]/);
  });

  it('formats primitives plainly', () => {
    assert.equal(redactValue(42), '42');
    assert.equal(redactValue(undefined), 'undefined');
    assert.equal(redactValue(null), 'null');
    assert.equal(redactValue(`x ${MBX}`), 'x mbx_<redacted>');
    assert.equal(redactValue(10n), '10');
  });

  it('does not throw on values JSON cannot handle', () => {
    const weird = { toJSON() { throw new Error('nope'); } };
    assert.equal(redactValue(weird), '[unserializable value]');
  });
});
