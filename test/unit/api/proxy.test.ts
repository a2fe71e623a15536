import * as assert from 'node:assert/strict';
import { isLoopbackHost, resolveProxy, type ProxySettings } from '../../../src/api/proxy';

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
    ['unsupported proxy scheme ignored', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: 'socks5://s:1080' } }, undefined],
    ['garbage proxy ignored', 'https://api.modbox.run/x', { env: { HTTPS_PROXY: 'http://' } }, undefined],
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
  for (const host of ['localhost', 'LOCALHOST', 'a.localhost', '127.0.0.1', '127.255.0.1', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost.', '[::ffff:7f00:1]', '::ffff:7f12:3456']) {
    it(`${host} is loopback`, () => assert.equal(isLoopbackHost(host), true));
  }
  for (const host of ['128.0.0.1', '127.0.0.256', 'localhost.com', 'api.modbox.run', '0.0.0.0', '::2', '10.0.0.1', '::ffff:a00:1', '::ffff:8000:1', 'localhost..']) {
    it(`${host} is not loopback`, () => assert.equal(isLoopbackHost(host), false));
  }
});
