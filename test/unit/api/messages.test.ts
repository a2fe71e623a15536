// The exact sentence a user reads for each kind of failure. Wording changes
// should be deliberate: this table is the review point for them.
import * as assert from 'node:assert/strict';
import { API_TOKEN_CANNOT_MANAGE_TOKENS, classifyNetworkError, httpError, proxyError, unusableProxyError, type ModboxError } from '../../../src/api/errors';

function sys(code: string): Error {
  return Object.assign(new Error(`low-level text that must not show (${code})`), { code });
}

const host = 'api.modbox.run';
const json = { host, contentType: 'application/json' };

const table: Array<[string, () => ModboxError, string, string]> = [
  ['offline (refused)', () => classifyNetworkError(sys('ECONNREFUSED'), { host }), 'offline',
    "Can't reach Modbox at api.modbox.run. Check your internet connection."],
  ['offline (network down)', () => classifyNetworkError(sys('ENETUNREACH'), { host }), 'offline',
    "Can't reach Modbox at api.modbox.run. Check your internet connection."],
  ['offline (connection cut)', () => classifyNetworkError(sys('ECONNRESET'), { host }), 'offline',
    'The connection to Modbox at api.modbox.run was interrupted. Try again.'],
  ['DNS', () => classifyNetworkError(sys('ENOTFOUND'), { host }), 'dns',
    "Can't find Modbox at api.modbox.run. Check your internet connection and the modbox.apiUrl setting."],
  ['timeout', () => classifyNetworkError(sys('UND_ERR_HEADERS_TIMEOUT'), { host }), 'timeout',
    'Modbox at api.modbox.run took too long to respond. Try again in a moment.'],
  ['TLS', () => classifyNetworkError(sys('SELF_SIGNED_CERT_IN_CHAIN'), { host }), 'tls',
    "Can't verify the secure connection to api.modbox.run (SELF_SIGNED_CERT_IN_CHAIN). If your network inspects HTTPS traffic, " +
    'install its certificate in your system, or turn off the http.proxyStrictSSL setting.'],
  ['proxy unreachable', () => classifyNetworkError(sys('ECONNREFUSED'), { host, proxyHost: 'proxy.corp:3128' }), 'proxy',
    "Can't connect through the proxy proxy.corp:3128. Check the http.proxy setting and the HTTPS_PROXY and NO_PROXY environment variables."],
  ['proxy refuses', () => proxyError('proxy.corp:3128', { status: 403 }), 'proxy',
    "Can't connect through the proxy proxy.corp:3128 (HTTP 403). Check the http.proxy setting and the HTTPS_PROXY and NO_PROXY environment variables."],
  ['proxy wants credentials', () => proxyError('proxy.corp:3128', { status: 407 }), 'proxy',
    'The proxy proxy.corp:3128 asks for a user name and password (HTTP 407). Put them in the http.proxy setting ' +
    '(http://user:password@host:port) or in the HTTPS_PROXY environment variable.'],
  ['SOCKS proxy in http.proxy', () => unusableProxyError({ source: 'http.proxy', reason: 'socks', scheme: 'socks5:' }, host), 'proxy',
    "The http.proxy setting names a SOCKS proxy, which the Modbox extension doesn't support, so nothing was sent. " +
    'Use an HTTP proxy there (http://host:port), or add api.modbox.run to the http.noProxy setting to connect without a proxy.'],
  ['SOCKS proxy in the environment', () => unusableProxyError({ source: 'HTTPS_PROXY', reason: 'socks', scheme: 'socks5h:' }, host), 'proxy',
    "The HTTPS_PROXY environment variable names a SOCKS proxy, which the Modbox extension doesn't support, so nothing was sent. " +
    'Use an HTTP proxy there (http://host:port), or add api.modbox.run to the http.noProxy setting to connect without a proxy.'],
  ['proxy with another scheme', () => unusableProxyError({ source: 'http.proxy', reason: 'scheme', scheme: 'ftp:' }, host), 'proxy',
    "The http.proxy setting names a proxy with the scheme ftp:, which the Modbox extension doesn't support, so nothing was sent. " +
    'Use an HTTP proxy there (http://host:port), or add api.modbox.run to the http.noProxy setting to connect without a proxy.'],
  ['proxy address unreadable', () => unusableProxyError({ source: 'https_proxy', reason: 'invalid' }, host), 'proxy',
    "The https_proxy environment variable is not a proxy address the Modbox extension can read, so nothing was sent. " +
    'Use an HTTP proxy there (http://host:port), or add api.modbox.run to the http.noProxy setting to connect without a proxy.'],
  ['401', () => httpError(401, '{"detail":"Could not validate credentials"}', json), 'unauthorized',
    'Modbox did not accept your sign-in. Sign in again.'],
  ['403 with the server reason', () => httpError(403, '{"detail":"Not a member of this workspace"}', json), 'forbidden',
    'Modbox refused the request: Not a member of this workspace'],
  ['403 without a reason', () => httpError(403, '', json), 'forbidden',
    "You don't have permission to do that in Modbox."],
  ['404', () => httpError(404, '', json), 'notFound',
    "Modbox couldn't find it. It may have been deleted."],
  ['422 field and message', () => httpError(422, JSON.stringify({ detail: [{ loc: ['body', 'description'], msg: 'Field required' }] }), json), 'validation',
    'description: Field required'],
  ['429 with Retry-After', () => httpError(429, '', { ...json, retryAfterMs: 1000 }), 'rateLimited',
    'Modbox is rate limiting requests. Try again in 1 second.'],
  ['500', () => httpError(500, '{"detail":"Internal Server Error"}', json), 'server',
    'Modbox is having trouble (HTTP 500). Try again in a moment.'],
  ['502 HTML page from a gateway', () => httpError(502, '<html><body>Bad Gateway</body></html>', { host, contentType: 'text/html' }), 'server',
    'Modbox is having trouble (HTTP 502). Try again in a moment.'],
];

describe('user-facing messages for each failure kind', () => {
  for (const [name, make, kind, message] of table) {
    it(name, () => {
      const err = make();
      assert.equal(err.kind, kind);
      assert.equal(err.message, message);
      assert.ok(!err.message.includes('low-level text'), 'raw error text leaked');
    });
  }

  it("API tokens can't manage tokens: the message says to sign in with SSO", () => {
    assert.equal(API_TOKEN_CANNOT_MANAGE_TOKENS, "API tokens can't manage API tokens. Sign in with Google, GitHub or Microsoft to manage them.");
  });
});
