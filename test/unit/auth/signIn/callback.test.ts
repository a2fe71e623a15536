import * as assert from 'node:assert/strict';
import { parseCallback, type CallbackResult } from '../../../../src/auth/signIn/callback';
import { makeJwt } from '../helpers';

const AT = makeJwt({ sub: 'u1', email: 'a@example.com', iat: 1, exp: 301 });
const RT = makeJwt({ typ: 'Refresh', n: 1 });
const STATE = 'c3RhdGUtc3RhdGUtc3RhdGUtc3RhdGUtc3RhdGUtMTI';
const GOOD = `access_token=${AT}&refresh_token=${RT}&expires_in=300&refresh_expires_in=1800&token_type=Bearer&state=${STATE}`;
const TOKENS = { accessToken: AT, refreshToken: RT, expiresIn: 300, refreshExpiresIn: 1800 };

describe('auth/callback parseCallback', () => {
  const good: [string, string][] = [
    ['a vscode:// URI with a fragment', `vscode://modbox.vscode-modbox/auth-callback#${GOOD}`],
    ['a code-oss:// URI with a query', `code-oss://modbox.vscode-modbox/auth-callback?${GOOD}`],
    ['a URI split between query and fragment', `vscode-insiders://modbox.vscode-modbox/auth-callback?state=${STATE}#${GOOD.replace(`&state=${STATE}`, '')}`],
    ['an https address pasted from the browser', `  https://app.modbox.run/done?x=1#${GOOD}\n`],
    ['a loopback relay body', `#${GOOD}`],
    ['a relay body with an empty query', `?#${GOOD}`],
    ['a bare parameter list', GOOD],
    ['percent-encoded values', GOOD.replace(`state=${STATE}`, `state=${encodeURIComponent(STATE)}`).replace('token_type=Bearer', 'token_type=%42earer')],
    ['unknown extra parameters', `vscode://x/y?vscode-reqid=3&foo=bar&foo=baz#${GOOD}&session_state=abc`],
  ];
  for (const [name, input] of good) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(parseCallback(input), { kind: 'tokens', state: STATE, tokens: TOKENS });
    });
  }

  it('accepts tokens without a state (the caller then ignores them) and without optional fields', () => {
    assert.deepEqual(parseCallback(`#access_token=${AT}`), { kind: 'tokens', state: undefined, tokens: { accessToken: AT } });
  });

  it('parses lifetimes safely, ignoring anything that is not a plain positive number', () => {
    for (const bad of ['-5', '1e9', '0x10', '3.5', '', 'NaN', '99999999999999999999', '0', ' 300']) {
      const r = parseCallback(`#access_token=${AT}&expires_in=${encodeURIComponent(bad)}&refresh_expires_in=${encodeURIComponent(bad)}&state=s`);
      assert.equal(r.kind, 'tokens', bad);
      assert.equal((r as Extract<CallbackResult, { kind: 'tokens' }>).tokens.expiresIn, undefined, bad);
      assert.equal((r as Extract<CallbackResult, { kind: 'tokens' }>).tokens.refreshExpiresIn, undefined, bad);
    }
  });

  it('reports a refused sign-in as an error with its state', () => {
    assert.deepEqual(parseCallback(`vscode://modbox.vscode-modbox/auth-callback#error=access_denied&state=${STATE}`), {
      kind: 'error',
      state: STATE,
      error: 'access_denied',
    });
    assert.deepEqual(parseCallback('#error=server_error&error_description=Try%0Alater&state=s'), {
      kind: 'error',
      state: 's',
      error: 'server_error',
      description: 'Try later',
    });
  });

  it('survives an already-decoded description with a stray percent sign (Uri.toString(true))', () => {
    assert.deepEqual(parseCallback('vscode://modbox.vscode-modbox/auth-callback#error=server_error&error_description=100% down&state=s'), {
      kind: 'error',
      state: 's',
      error: 'server_error',
      description: '100% down',
    });
  });

  const hostile: [string, string, RegExp][] = [
    ['empty text', '   ', /empty/],
    ['an address without sign-in data', 'https://app.modbox.run/done', /No sign-in tokens/],
    ['a javascript: URL', 'javascript:alert(document.cookie)', /No sign-in tokens/],
    ['a javascript: value as the token', '#access_token=javascript:alert(1)&state=s', /access token/],
    ['an API token as the access token', '#access_token=mbx_abcdefgh12345&state=s', /access token/],
    ['a non-JWT access token', '#access_token=abc.def&state=s', /access token/],
    ['bad percent-encoding', `#access_token=${AT}&state=%E0%A4%A`, /encoded/],
    ['a duplicated state', `#access_token=${AT}&state=a&state=b`, /"state" more than once/],
    ['a token in both query and fragment', `vscode://x/cb?access_token=${AT}#access_token=${AT}&state=s`, /more than once/],
    ['oversized input', `#access_token=${AT}&state=${'a'.repeat(17_000)}`, /too long/],
    ['too many parameters', `#${Array.from({ length: 100 }, (_, i) => `k${i}=v`).join('&')}&access_token=${AT}`, /too many/],
    ['a non-bearer token type', `#access_token=${AT}&token_type=mac&state=s`, /token type/],
    ['a state with spaces', `#access_token=${AT}&state=a%20b`, /state/],
    ['a refresh token with control characters', `#access_token=${AT}&refresh_token=a%0Ab&state=s`, /refresh token/],
    ['an error code with markup', '#error=%3Cscript%3E&state=s', /error code/],
  ];
  for (const [name, input, reason] of hostile) {
    it(`refuses ${name}`, () => {
      const r = parseCallback(input);
      assert.equal(r.kind, 'invalid');
      assert.match((r as Extract<CallbackResult, { kind: 'invalid' }>).reason, reason);
      assert.ok(!(r as Extract<CallbackResult, { kind: 'invalid' }>).reason.includes(AT), 'no token in the reason');
    });
  }

  it('never throws on non-string input', () => {
    assert.equal(parseCallback(undefined as unknown as string).kind, 'invalid');
    assert.equal(parseCallback({} as unknown as string).kind, 'invalid');
  });
});
