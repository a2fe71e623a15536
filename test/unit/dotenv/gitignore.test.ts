import * as assert from 'node:assert/strict';
import { ignoredByRules, withIgnoreEntry } from '../../../src/dotenv/gitignore';

describe('.gitignore rules (when git cannot be asked)', () => {
  const ignores = (text: string) => ignoredByRules(text, '.env');

  it('ignores .env for the rules people write', () => {
    for (const rules of ['.env', '/.env', '.env*', '*.env', '.*', '*', '**/.env', '.env   ', '.e?v', '.[e]nv', 'node_modules\r\n.env\r\n', '\ufeff.env']) {
      assert.equal(ignores(rules), true, JSON.stringify(rules));
    }
  });

  it('does not for rules about other paths, directories, comments or blank lines', () => {
    for (const rules of ['', '# .env', '.env/', 'config/.env', '.env.local', '.envrc', 'env', '\\#.env', '.[!e]nv', '.env.*']) {
      assert.equal(ignores(rules), false, JSON.stringify(rules));
    }
  });

  it('the last matching rule wins, `!` re-includes', () => {
    assert.equal(ignores('.env*\n!.env\n'), false);
    assert.equal(ignores('!.env\n.env\n'), true);
    assert.equal(ignores('*\n!.env.example\n'), true);
  });

  it('a broken pattern is skipped, not thrown', () => {
    assert.equal(ignores('[z-a]\n'), false);
  });

  it('adds an entry in the file\'s own line endings, after a missing final line break', () => {
    assert.equal(withIgnoreEntry('', '.env'), '.env\n');
    assert.equal(withIgnoreEntry('node_modules\n', '.env'), 'node_modules\n.env\n');
    assert.equal(withIgnoreEntry('node_modules', '.env'), 'node_modules\n.env\n');
    assert.equal(withIgnoreEntry('a\r\nb', '.env'), 'a\r\nb\r\n.env\r\n');
    assert.equal(ignores(withIgnoreEntry('*.env\n!.env\n', '.env')), true);
  });
});
