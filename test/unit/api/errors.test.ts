import * as assert from 'node:assert/strict';
import {
  classifyNetworkError, extractServerDetail, httpError, ModboxError, proxyError, sanitizeDetail,
} from '../../../src/api/errors';

function sysError(code: string, message = 'misleading text: certificate proxy timeout ENOTFOUND'): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyNetworkError', () => {
  const ctx = { host: 'api.modbox.run' };
  const table: Array<[string, string]> = [
    ['ECONNREFUSED', 'offline'],
    ['EHOSTUNREACH', 'offline'],
    ['ENETUNREACH', 'offline'],
    ['ECONNRESET', 'offline'],
    ['UND_ERR_SOCKET', 'offline'],
    ['EPIPE', 'offline'],
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ETIMEDOUT', 'timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['UND_ERR_ABORTED', 'cancelled'],
    ['SOMETHING_NEW', 'offline'],
  ];
  for (const [code, kind] of table) {
    it(`${code} -> ${kind}`, () => {
      const err = classifyNetworkError(sysError(code), ctx);
      assert.equal(err.kind, kind);
      assert.equal(err.code, code);
    });
  }

  it('classifies by code, never by message text', () => {
    assert.equal(classifyNetworkError(new Error('getaddrinfo ENOTFOUND api.modbox.run'), ctx).kind, 'offline');
    assert.equal(classifyNetworkError(new Error('self signed certificate'), ctx).kind, 'offline');
  });

  it('finds the code on a nested cause (fetch-style errors)', () => {
    const err = new TypeError('fetch failed', { cause: sysError('ENOTFOUND') });
    assert.equal(classifyNetworkError(err, ctx).kind, 'dns');
  });

  it('blames the proxy when the proxy cannot be reached', () => {
    const err = classifyNetworkError(sysError('ECONNREFUSED'), { ...ctx, proxyHost: 'proxy.corp:3128' });
    assert.equal(err.kind, 'proxy');
    assert.match(err.message, /proxy\.corp:3128/);
    assert.match(err.message, /http\.proxy/);
  });

  it('treats our own deadline as a timeout even though undici reports an abort', () => {
    assert.equal(classifyNetworkError(sysError('UND_ERR_ABORTED'), { ...ctx, timedOut: true }).kind, 'timeout');
  });

  it('writes specific user-facing messages', () => {
    assert.equal(classifyNetworkError(sysError('ECONNREFUSED'), ctx).message, "Can't reach Modbox at api.modbox.run. Check your internet connection.");
    assert.match(classifyNetworkError(sysError('CERT_HAS_EXPIRED'), ctx).message, /http\.proxyStrictSSL/);
    assert.match(classifyNetworkError(sysError('ENOTFOUND'), ctx).message, /modbox\.apiUrl/);
  });

  it('passes ModboxErrors through untouched', () => {
    const original = new ModboxError('server', 'x');
    assert.equal(classifyNetworkError(original, ctx), original);
  });
});

describe('httpError', () => {
  const ctx = { host: 'api.modbox.run', contentType: 'application/json' };

  it('maps FastAPI 422 details to "field: message"', () => {
    const body = JSON.stringify({ detail: [{ loc: ['body', 'description'], msg: 'String should have at least 1 character', type: 'string_too_short' }] });
    const err = httpError(422, body, ctx);
    assert.equal(err.kind, 'validation');
    assert.equal(err.field, 'description');
    assert.equal(err.message, 'description: String should have at least 1 character');
  });

  it('mentions further 422 problems and nested locations', () => {
    const body = JSON.stringify({ detail: [{ loc: ['body', 'members', 0, 'email'], msg: 'bad' }, { loc: ['body', 'x'], msg: 'y' }] });
    assert.equal(httpError(422, body, ctx).message, 'members.0.email: bad (and 1 more problem)');
  });

  it('maps 401, 403, 404 with the server detail', () => {
    const body = JSON.stringify({ detail: 'Not a member of this workspace' });
    assert.equal(httpError(401, body, ctx).kind, 'unauthorized');
    const forbidden = httpError(403, body, ctx);
    assert.equal(forbidden.kind, 'forbidden');
    assert.equal(forbidden.detail, 'Not a member of this workspace');
    assert.match(forbidden.message, /Not a member of this workspace/);
    assert.equal(httpError(404, '', ctx).kind, 'notFound');
  });

  it('says how long to wait on 429', () => {
    const err = httpError(429, '', { ...ctx, retryAfterMs: 30_000 });
    assert.equal(err.message, 'Modbox is rate limiting requests. Try again in 30 seconds.');
    assert.equal(err.retryAfterMs, 30_000);
    assert.equal(httpError(429, '', ctx).message, 'Modbox is rate limiting requests. Try again in a moment.');
  });

  it('never shows an HTML error page', () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1><script>alert(1)</script></body></html>';
    const err = httpError(503, html, { host: 'api.modbox.run', contentType: 'text/html' });
    assert.equal(err.message, 'Modbox is having trouble (HTTP 503). Try again in a moment.');
    assert.equal(err.detail, undefined);
    assert.equal(httpError(403, html, { host: 'api.modbox.run' }).detail, undefined);
  });

  it('reads {error} and {message} bodies too', () => {
    assert.equal(extractServerDetail('{"error":"quota exceeded"}').detail, 'quota exceeded');
    assert.equal(extractServerDetail('{"error":{"message":"nested"}}').detail, 'nested');
    assert.equal(extractServerDetail('{"detail":{"weird":1}}').detail, undefined);
    assert.deepEqual(extractServerDetail('{"detail":[]}'), {});
  });

  it('keeps secrets the server echoes out of the message', () => {
    const body = JSON.stringify({ detail: 'Token mbx_abcdefghijklmnop is revoked; Bearer eyJhbGciOi.eyJzdWIi.sig' });
    const err = httpError(403, body, ctx);
    assert.ok(!err.message.includes('abcdefghijklmnop'));
    assert.ok(!err.message.includes('eyJzdWIi'));
  });
});

describe('sanitizeDetail', () => {
  it('strips control characters, bidi overrides and collapses whitespace', () => {
    assert.equal(sanitizeDetail('a\u0000b\u001b[31mc\u202Ed\n\te'), 'a b [31mc d e');
  });
  it('strips HTML tags', () => {
    assert.equal(sanitizeDetail('<b>Bold</b> &amp; <i>plain</i>'), 'Bold & plain');
  });
  it('leaves no Markdown link or theme icon for a notification to render, and keeps the words', () => {
    assert.equal(sanitizeDetail('[Reload](command:workbench.action.reloadWindow) ![x](https://example.invalid/x.png) $(alert)'),
      '[Reload] (command:workbench.action.reloadWindow) ![x] (https://example.invalid/x.png) \\$(alert)');
  });
  it('caps the length', () => {
    const out = sanitizeDetail('x'.repeat(5000));
    assert.ok(out !== undefined && out.length <= 300);
  });
  it('drops empty or non-string values', () => {
    assert.equal(sanitizeDetail('   '), undefined);
    assert.equal(sanitizeDetail(42), undefined);
    assert.equal(sanitizeDetail('<p></p>'), undefined);
  });
});

describe('proxyError', () => {
  it('explains a 407 as missing proxy credentials', () => {
    const err = proxyError('proxy:3128', { status: 407 });
    assert.equal(err.kind, 'proxy');
    assert.match(err.message, /407/);
    assert.match(err.message, /http\.proxy/);
  });
});
