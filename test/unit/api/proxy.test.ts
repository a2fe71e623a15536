import * as assert from 'node:assert/strict';
import { isLoopbackHost, resolveProxy, type ProxySettings, type UnusableProxy } from '../../../src/api/proxy';

describe('resolveProxy', () => {
  const P = 'http://proxy.corp:3128/';
  const table: Array<[string, string, Partial<ProxySettings>, string | undefined]> = [
    ['no proxy configured', 'https://api.modbox.run/x', {}, undefined],
    ['HTTPS_PROXY for https', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: P } }, P],
    ['https_proxy lower case wins', 'https://api.modbox.run/x', { env: { https_proxy: 'http://lower:1/', HTTPS_PROXY: P } }, 'http://lower:1/'],
    ['HTTP_PROXY not used for https', 'https://api.modbox.run/x', { env: { HTTP_PROXY: P } }, undefined],
    ['HTTP_PROXY for http', 'http://modbox.internal/x', { env: { HTTP_PROXY: P } }, P],
    ['ALL_PROXY fallback', 'https://api.modbox.run/x', { env: { ALL_PROXY: P } }, P],
    ['setting beats env', 'https://api.modbox.run/x', { httpProxySetting: 'http://setting:8080', env: { HTTPS_PROXY: P } }, 'http://setting:8080/'],
    ['setting without scheme', 'https://api.modbox.run/x', { httpProxySetting: 'proxy.corp:3128' }, P],
    ['blank setting falls back to env', 'https://api.modbox.run/x', { httpProxySetting: '  ', env: { HTTPS_PROXY: P } }, P],
    ['NO_PROXY exact host', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: P, NO_PROXY: 'api.modbox.run' } }, undefined],
    ['NO_PROXY domain covers subdomain', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: P, NO_PROXY: 'modbox.run' } }, undefined],
    ['NO_PROXY .suffix', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: P, NO_PROXY: 'foo, .modbox.run' } }, undefined],
    ['NO_PROXY *.suffix', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: P, NO_PROXY: '*.modbox.run' } }, undefined],
    ['NO_PROXY suffix is not a substring match', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: P, NO_PROXY: 'box.run' } }, P],
    ['NO_PROXY other host', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: P, NO_PROXY: 'example.com' } }, P],
    ['NO_PROXY *', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: P, NO_PROXY: '*' } }, undefined],
    ['NO_PROXY host:port match', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: P, NO_PROXY: 'api.modbox.run:443' } }, undefined],
    ['NO_PROXY host:port other port', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: P, NO_PROXY: 'api.modbox.run:8443' } }, P],
    ['NO_PROXY case-insensitive', 'https://API.modbox.run/x', { env: { HTTPS_PROXY: P, no_proxy: 'Api.Modbox.Run' } }, undefined],
    ['NO_PROXY space separated', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: P, NO_PROXY: 'a.com api.modbox.run' } }, undefined],
    ['http.noProxy setting', 'https://api.modbox.run/x', { noProxy: ['modbox.run'], env: { HTTPS_PROXY: P } }, undefined],
    ['http.noProxy applies to the setting proxy', 'https://api.modbox.run/x', { noProxy: ['*'], httpProxySetting: P }, undefined],
    ['NO_PROXY IP literal', 'https://10.1.2.3/x', { env: { HTTPS_PROXY: P, NO_PROXY: '10.1.2.3' } }, undefined],
    ['NO_PROXY bracketed IPv6', 'https://[2001:db8::1]:8443/x', { env: { HTTPS_PROXY: P, NO_PROXY: '[2001:db8::1]:8443' } }, undefined],
    ['loopback v4 always direct', 'http://127.0.0.1:8787/x', { httpProxySetting: P, env: { HTTP_PROXY: P } }, undefined],
    ['loopback 127/8 direct', 'https://127.9.9.9/x', { httpProxySetting: P }, undefined],
    ['localhost direct', 'http://localhost:3000/x', { httpProxySetting: P }, undefined],
    ['::1 direct', 'http://[::1]:3000/x', { httpProxySetting: P }, undefined],
    ['IPv4-mapped loopback direct (URL writes it in hex)', 'http://[::ffff:127.0.0.1]:3000/x', { httpProxySetting: P }, undefined],
    ['localhost. (trailing dot) direct', 'http://localhost.:3000/x', { httpProxySetting: P }, undefined],
    ['127.0.0.1.nip.io is not loopback', 'https://127.0.0.1.nip.io/x', { httpProxySetting: P }, P],
  ];
  for (const [name, target, settings, expected] of table) {
    it(name, () => {
      const decision = resolveProxy(target, { env: {}, ...settings });
      assert.equal(decision.proxyUrl, expected);
    });
  }

  // A proxy the transport can't use is reported with where it came from, never dropped (that would go direct).
  const unusable: Array<[string, string, Partial<ProxySettings>, UnusableProxy]> = [
    ['socks5 in http.proxy', 'https://api.modbox.run/x', { httpProxySetting: 'socks5://s:1080', env: { HTTPS_PROXY: P } },
      { source: 'http.proxy', reason: 'socks', scheme: 'socks5:' }],
    ['socks5h with credentials in HTTPS_PROXY', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: 'socks5h://u:pw@s:1080' } },
      { source: 'HTTPS_PROXY', reason: 'socks', scheme: 'socks5h:' }],
    ['socks4 in lower-case https_proxy', 'https://api.modbox.run/x', { env: { https_proxy: 'socks4://s:1080' } },
      { source: 'https_proxy', reason: 'socks', scheme: 'socks4:' }],
    ['socks in ALL_PROXY', 'https://api.modbox.run/x', { env: { ALL_PROXY: 'SOCKS://s:1080' } },
      { source: 'ALL_PROXY', reason: 'socks', scheme: 'socks:' }],
    ['socks in HTTP_PROXY for an http target', 'http://modbox.internal/x', { env: { HTTP_PROXY: 'socks5://s:1080' } },
      { source: 'HTTP_PROXY', reason: 'socks', scheme: 'socks5:' }],
    ['another scheme', 'https://api.modbox.run/x', { httpProxySetting: 'ftp://s:21' }, { source: 'http.proxy', reason: 'scheme', scheme: 'ftp:' }],
    ['not a URL', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: 'http://' } }, { source: 'HTTPS_PROXY', reason: 'invalid' }],
  ];
  for (const [name, target, settings, expected] of unusable) {
    it(`unusable: ${name}`, () => {
      const decision = resolveProxy(target, { env: {}, ...settings });
      assert.equal(decision.proxyUrl, undefined);
      assert.deepEqual(decision.unusable, expected);
    });
  }

  it('a host excluded from the proxy, or loopback, goes direct even when the proxy is SOCKS', () => {
    const socks = { httpProxySetting: 'socks5://s:1080', env: { HTTPS_PROXY: 'socks5://s:1080' } };
    for (const [target, noProxy] of [['https://api.modbox.run/x', ['modbox.run']], ['http://127.0.0.1:8787/x', []]] as const) {
      const decision = resolveProxy(target, { ...socks, noProxy: [...noProxy] });
      assert.deepEqual(decision, { strictSSL: true }, target);
    }
    assert.deepEqual(resolveProxy('https://api.modbox.run/x', { env: { HTTPS_PROXY: 'socks5://s:1080', NO_PROXY: 'api.modbox.run' } }), { strictSSL: true });
  });

  it('passes strictSSL through, defaulting to true', () => {
    assert.equal(resolveProxy('https://api.modbox.run', { env: {} }).strictSSL, true);
    assert.equal(resolveProxy('https://api.modbox.run', { env: {}, strictSSL: false }).strictSSL, false);
    assert.equal(resolveProxy('http://127.0.0.1', { env: {}, strictSSL: false }).strictSSL, false);
  });

  it('keeps proxy credentials in the URL for the transport to use', () => {
    const decision = resolveProxy('https://api.modbox.run', { env: {}, httpProxySetting: 'http://u%40x:p%3Aw@proxy:8080' });
    assert.equal(decision.proxyUrl, 'http://u%40x:p%3Aw@proxy:8080/');
  });
});

describe('isLoopbackHost', () => {
  for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.255.0.1', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost.', '[::ffff:7f00:1]', '::ffff:7f12:3456']) {
    it(`${host} is loopback`, () => assert.equal(isLoopbackHost(host), true));
  }
  for (const host of ['128.0.0.1', '127.0.0.256', 'localhost.com', 'api.modbox.run', '0.0.0.0', '::2', '10.0.0.1', '::ffff:a00:1', '::ffff:8000:1', 'localhost..', 'a.localhost', 'evil.localhost.', 'LOCALHOST.example']) {
    it(`${host} is not loopback`, () => assert.equal(isLoopbackHost(host), false));
  }
});
