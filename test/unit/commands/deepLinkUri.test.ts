import * as assert from 'node:assert/strict';
import { buildOpenLink, parseOpenLink } from '../../../src/commands/deepLinkUri';

const WS = '0b000000-0000-4000-8000-000000000002';
const SB = '5a000000-0000-4000-8000-000000000007';
const JWT = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';

describe('deep links: /open?workspace=&sandbox=', () => {
  it('reads a workspace and an optional sandbox', () => {
    assert.deepEqual(parseOpenLink(`workspace=${WS}`), { kind: 'open', workspaceId: WS, ignored: 0 });
    assert.deepEqual(parseOpenLink(`workspace=${WS}&sandbox=${SB}`), { kind: 'open', workspaceId: WS, sandboxId: SB, ignored: 0 });
    assert.deepEqual(parseOpenLink(`sandbox=${SB}&workspace=${WS}&utm_source=chat`), { kind: 'open', workspaceId: WS, sandboxId: SB, ignored: 0 });
  });

  it('drops credential-like parameters (by name or by shape) and keeps none of their values', () => {
    const query = `workspace=${WS}&access_token=abc&refresh_token=def&token=ghi&code=x&state=y&client_secret=z&auth=${JWT}&key=mbx_abcdefgh12345678`;
    const link = parseOpenLink(query);
    assert.deepEqual(link, { kind: 'open', workspaceId: WS, ignored: 8 });
    for (const value of ['abc', 'def', 'ghi', JWT, 'mbx_']) {
      assert.ok(!JSON.stringify(link).includes(value), value);
    }
  });

  it('refuses malformed, missing or repeated ids', () => {
    assert.deepEqual(parseOpenLink(''), { kind: 'invalid', reason: 'noWorkspace' });
    assert.deepEqual(parseOpenLink(`sandbox=${SB}`), { kind: 'invalid', reason: 'noWorkspace' });
    assert.deepEqual(parseOpenLink('workspace='), { kind: 'invalid', reason: 'noWorkspace' });
    for (const bad of ['../etc', 'a b', 'a%2Fb', 'w.1', JWT, 'mbx_abcdefgh12345678', 'x'.repeat(129), '%00']) {
      assert.deepEqual(parseOpenLink(`workspace=${encodeURIComponent(bad)}`), { kind: 'invalid', reason: 'badWorkspace' }, bad);
      assert.deepEqual(parseOpenLink(`workspace=${WS}&sandbox=${encodeURIComponent(bad)}`), { kind: 'invalid', reason: 'badSandbox' }, bad);
    }
    assert.deepEqual(parseOpenLink(`workspace=${WS}&workspace=${SB}`), { kind: 'invalid', reason: 'repeated' });
    assert.deepEqual(parseOpenLink(`workspace=${WS}&sandbox=${SB}&sandbox=${SB}`), { kind: 'invalid', reason: 'repeated' });
  });

  it('builds links with the editor scheme that parse back to the same ids', () => {
    const link = buildOpenLink('vscode-insiders', WS, SB);
    assert.equal(link, `vscode-insiders://modbox.vscode-modbox/open?workspace=${WS}&sandbox=${SB}`);
    assert.equal(buildOpenLink('code-oss', WS), `code-oss://modbox.vscode-modbox/open?workspace=${WS}`);
    const url = new URL(link);
    assert.equal(url.pathname, '/open');
    assert.deepEqual(parseOpenLink(url.search.slice(1)), { kind: 'open', workspaceId: WS, sandboxId: SB, ignored: 0 });
  });

  it('refuses to build a link from something that is not an id or a scheme', () => {
    assert.throws(() => buildOpenLink('vscode', 'a/b'));
    assert.throws(() => buildOpenLink('vscode', WS, 'mbx_abcdefgh12345678'));
    assert.throws(() => buildOpenLink('javascript:alert(1)//', WS));
  });
});
