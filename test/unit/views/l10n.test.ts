import * as assert from 'node:assert/strict';
import { plainL10n } from '../../../src/views/l10n';

describe('views/l10n plainL10n', () => {
  it('fills numbered placeholders in any order, as often as they appear', () => {
    assert.equal(plainL10n.t('{1} of {0}, {1} again', 'a', 2), '2 of a, 2 again');
    assert.equal(plainL10n.t('ok: {0}', true), 'ok: true');
  });

  it('leaves a placeholder without an argument as it is, and does not read placeholders in arguments', () => {
    assert.equal(plainL10n.t('{0} and {1}', 'x'), 'x and {1}');
    assert.equal(plainL10n.t('{0}', '{0}{1}'), '{0}{1}');
  });
});
