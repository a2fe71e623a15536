import * as assert from 'node:assert/strict';
import { plainL10n } from '../../../src/views/l10n';
import { maskPrefix, sortTokensNewestFirst, tokenText, tokenTooltip, type TokenFields } from '../../../src/views/tokenText';

const NOW = Date.parse('2026-03-15T12:00:00Z');

function token(over: Partial<TokenFields> & { id: string }): TokenFields {
  return { description: 'ci-pipeline', tokenPrefix: 'mbx_ab12', createdAt: '2026-03-12T12:00:00Z', lastUsedAt: null, ...over };
}

describe('API token text', () => {
  it('describes creation and last use relative to one "now"', () => {
    const text = tokenText(token({ id: 't1', lastUsedAt: '2026-03-15T10:00:00Z' }), NOW, plainL10n);
    assert.equal(text.label, 'ci-pipeline');
    assert.equal(text.description, 'created 3 days ago · last used 2 hours ago');
  });

  it('says "never" for a token that was never used', () => {
    assert.equal(tokenText(token({ id: 't1' }), NOW, plainL10n).description, 'created 3 days ago · last used never');
    assert.equal(tokenText(token({ id: 't1' }), NOW, plainL10n, true).description, 'terminal · created 3 days ago · last used never');
  });

  it('shows only a masked prefix, even when a server sends more of the token', () => {
    assert.equal(maskPrefix('mbx_ab12'), 'mbx_ab12…');
    assert.equal(maskPrefix('mbx_ab12cdef9876secret'), 'mbx_ab12…');
    assert.equal(maskPrefix(undefined), undefined);
    const tip = tokenTooltip(token({ id: 't1', tokenPrefix: 'mbx_ab12cdef9876secret' }), plainL10n);
    assert.ok(!tip.includes('cdef9876'));
    assert.ok(tip.includes('Token: mbx\\_ab12…'));
  });

  it('escapes the description in the tooltip but shows it plainly as the label', () => {
    const hostile = token({ id: 't1', description: '<b>[x](http://e)</b>' });
    assert.equal(tokenText(hostile, NOW, plainL10n).label, '<b>[x](http://e)</b>');
    assert.ok(tokenTooltip(hostile, plainL10n).startsWith('**\\<b\\>\\[x\\]\\(http\\:\\/\\/e\\)\\<\\/b\\>**'));
  });

  it('labels a blank description and survives missing dates', () => {
    const text = tokenText(token({ id: 't1', description: '  ', createdAt: undefined }), NOW, plainL10n);
    assert.equal(text.label, '(no description)');
    assert.equal(text.description, 'created unknown · last used never');
  });

  it('sorts newest first, undated last, ties in server order', () => {
    const sorted = sortTokensNewestFirst([
      token({ id: 'old', createdAt: '2025-01-01T00:00:00Z' }),
      token({ id: 'undated', createdAt: undefined }),
      token({ id: 'new', createdAt: '2026-03-01T00:00:00Z' }),
      token({ id: 'tieA', createdAt: '2026-02-01T00:00:00Z' }),
      token({ id: 'tieB', createdAt: '2026-02-01T00:00:00Z' }),
    ]);
    assert.deepEqual(sorted.map((t) => t.id), ['new', 'tieA', 'tieB', 'old', 'undated']);
  });

  it('builds text for 5,000 tokens without per-item async work', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      token({ id: `t${i}`, createdAt: new Date(NOW - i * 60_000).toISOString() }));
    const texts = sortTokensNewestFirst(many).map((t) => tokenText(t, NOW, plainL10n));
    assert.equal(texts.length, 5000);
    assert.equal(texts[0].description, 'created just now · last used never');
    assert.equal(texts[4999].description, 'created 3 days ago · last used never');
  });
});
