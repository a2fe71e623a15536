import * as assert from 'node:assert/strict';
import { escapeMarkdown } from '../../../src/views/markdown';

describe('escapeMarkdown', () => {
  it('leaves letters, digits and spaces alone', () => {
    assert.equal(escapeMarkdown('ci pipeline 42'), 'ci pipeline 42');
  });

  it('escapes every markdown and HTML metacharacter', () => {
    // Every ASCII punctuation character, then the constructs they make.
    const punctuation = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i)).filter((c) => !/[A-Za-z0-9]/.test(c)).join('');
    assert.equal(punctuation.length, 32);
    const hostile = `${punctuation} **bold** [x](https://evil.example) <img src=x> \`code\` $(alert) # h | t ~s~ _i_ !`;
    const escaped = escapeMarkdown(hostile);
    // Every punctuation character is preceded by a backslash, so nothing is left to interpret.
    for (let i = 0; i < escaped.length; i++) {
      if (/[!-/:-@[-`{-~]/.test(escaped[i]) && escaped[i] !== '\\') {
        assert.equal(escaped[i - 1], '\\', `unescaped ${escaped[i]} at ${i} in ${escaped}`);
      }
    }
    assert.ok(!escaped.includes('https://'), 'autolinks are broken up');
    assert.ok(escaped.includes('\\<img'));
  });

  it('escapes backslashes themselves, so an escape cannot be undone', () => {
    assert.equal(escapeMarkdown('\\*'), '\\\\\\*');
  });

  it('turns line breaks and control characters into spaces so no block can start', () => {
    assert.equal(escapeMarkdown('a\n# heading\r\n    code\u0000'), 'a \\# heading     code ');
  });
});
