import * as assert from 'node:assert/strict';
import { apiBase, normalizeApiUrl, parseApiUrl } from '../../../src/api/apiUrl';

describe('parseApiUrl', () => {
  const accepted: Array<[string, string]> = [
    ['https://api.modbox.run', 'https://api.modbox.run'],
    ['https://api.modbox.run/', 'https://api.modbox.run'],
    ['  https://api.modbox.run//  ', 'https://api.modbox.run'],
    ['https://modbox.example.com:8443/api/v1/', 'https://modbox.example.com:8443/api/v1'],
    ['HTTPS://API.MODBOX.RUN', 'https://api.modbox.run'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['http://127.1.2.3:8787/', 'http://127.1.2.3:8787'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['http://localhost.:3000', 'http://localhost.:3000'],
    ['http://[::ffff:127.0.0.1]:3000', 'http://[::ffff:7f00:1]:3000'],
    ['https://tenant.localhost', 'https://tenant.localhost'],
  ];
  for (const [raw, expected] of accepted) {
    it(`accepts ${JSON.stringify(raw)}`, () => {
      const result = parseApiUrl(raw);
      assert.ok(result.ok, result.ok ? '' : result.message);
      assert.equal(apiBase(result.url), expected);
    });
  }

  const rejected: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['api.modbox.run', /not a valid URL/],
    ['not a url', /not a valid URL/],
    ['ftp://api.modbox.run', /https/],
    ['javascript:alert(1)', /https/],
    ['http://api.modbox.run', /only allowed for this machine/],
    ['http://10.0.0.5:8000', /only allowed for this machine/],
    ['http://127.0.0.1.evil.com', /only allowed for this machine/],
    ['http://localhost.evil.com', /only allowed for this machine/],
    // *.localhost is not guaranteed to stay on this machine: only the literal names are.
    ['http://api.localhost:8000', /only allowed for this machine, not api\.localhost/],
    ['http://a.b.localhost.', /only allowed for this machine/],
    ['http://127.0.0.1.nip.io', /only allowed for this machine/],
    ['http://[::2]:3000', /only allowed for this machine/],
    ['https://alice:s3cr3t@api.modbox.run', /user name or password/],
    ['https://mbx_s3cr3t@api.modbox.run', /user name or password/],
    ['https://api.modbox.run/?x=1', /query/],
    ['https://api.modbox.run/#frag', /fragment/],
    ['https://api.modbox.run/?', /query/],
  ];
  for (const [raw, message] of rejected) {
    it(`rejects ${JSON.stringify(raw)}`, () => {
      const result = parseApiUrl(raw);
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.match(result.message, message);
        assert.ok(!result.message.includes('s3cr3t'), 'the message must not echo credentials');
      }
    });
  }
});

describe('normalizeApiUrl', () => {
  it('gives one key per server, whatever the case, default port, slashes or spaces in its URL', () => {
    assert.equal(normalizeApiUrl('https://API.modbox.run/'), 'https://api.modbox.run');
    assert.equal(normalizeApiUrl('https://api.modbox.run:443//'), 'https://api.modbox.run');
    assert.equal(normalizeApiUrl(' http://127.0.0.1:8123/base/ '), 'http://127.0.0.1:8123/base');
    assert.notEqual(normalizeApiUrl('http://127.0.0.1:1'), normalizeApiUrl('http://127.0.0.1:2'));
    assert.notEqual(normalizeApiUrl('https://api.modbox.run/a'), normalizeApiUrl('https://api.modbox.run/b'));
  });
});
