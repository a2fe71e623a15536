import * as assert from 'node:assert/strict';
import { editDotenv, effectiveValues, isWritableValue } from '../../../src/dotenv/dotenvEdit';

const TOKEN = 'MODBOX_API_TOKEN';
const WS = 'MODBOX_WORKSPACE_ID';
const NEW_TOKEN = 'mbx_new0123456789abcdef';
const NEW_WS = '0b000000-0000-4000-8000-000000000002';
const both: Array<[string, string]> = [[TOKEN, NEW_TOKEN], [WS, NEW_WS]];

describe('.env editor', () => {
  it('creates both lines in an empty file, ending with a line break', () => {
    const edit = editDotenv('', both);
    assert.equal(edit.text, `${TOKEN}=${NEW_TOKEN}\n${WS}=${NEW_WS}\n`);
    assert.deepEqual(edit.outcomes, { [TOKEN]: 'added', [WS]: 'added' });
  });

  it('keeps every other line, comment, blank line and the order; appends at the end', () => {
    const text = '# database\nDB_URL=postgres://x\n\n  # indented comment\nDEBUG=1 # inline\n';
    const edit = editDotenv(text, both);
    assert.equal(edit.text, `${text}${TOKEN}=${NEW_TOKEN}\n${WS}=${NEW_WS}\n`);
  });

  it('updates in place, keeping spacing, `export `, inline comments and quotes', () => {
    const text = [
      'A=1',
      `export ${TOKEN} = "" # from the dashboard`,
      'B=2',
      `${WS}='old-ws'   # keep me`,
      'C=3',
      '',
    ].join('\n');
    const edit = editDotenv(text, both, new Set([WS]));
    assert.equal(edit.text, [
      'A=1',
      `export ${TOKEN} = "${NEW_TOKEN}" # from the dashboard`,
      'B=2',
      `${WS}='${NEW_WS}'   # keep me`,
      'C=3',
      '',
    ].join('\n'));
    assert.deepEqual(edit.outcomes, { [TOKEN]: 'updated', [WS]: 'updated' });
  });

  it('reports a different existing value as a conflict and leaves it, unless told to overwrite', () => {
    const text = `${TOKEN}=mbx_someone_elses\n${WS}=${NEW_WS}\n`;
    const held = editDotenv(text, both);
    assert.equal(held.text, text);
    assert.deepEqual(held.outcomes, { [TOKEN]: 'conflict', [WS]: 'unchanged' });
    const replaced = editDotenv(text, both, new Set([TOKEN]));
    assert.equal(replaced.text, `${TOKEN}=${NEW_TOKEN}\n${WS}=${NEW_WS}\n`);
    assert.deepEqual(replaced.outcomes, { [TOKEN]: 'updated', [WS]: 'unchanged' });
  });

  it('fills an empty placeholder without calling it a conflict', () => {
    const edit = editDotenv(`${TOKEN}=\n`, [[TOKEN, NEW_TOKEN]]);
    assert.equal(edit.text, `${TOKEN}=${NEW_TOKEN}\n`);
    assert.deepEqual(edit.outcomes, { [TOKEN]: 'updated' });
  });

  it('returns the same text when nothing changes', () => {
    const text = `${TOKEN}="${NEW_TOKEN}"\r\n${WS}=${NEW_WS}\r\n`;
    const edit = editDotenv(text, both);
    assert.equal(edit.text, text);
    assert.deepEqual(edit.outcomes, { [TOKEN]: 'unchanged', [WS]: 'unchanged' });
  });

  it('keeps CRLF line endings, and adds lines with CRLF', () => {
    const text = 'A=1\r\nB=2\r\n';
    assert.equal(editDotenv(text, both).text, `A=1\r\nB=2\r\n${TOKEN}=${NEW_TOKEN}\r\n${WS}=${NEW_WS}\r\n`);
    const updated = editDotenv(`A=1\r\n${TOKEN}=\r\nB=2\r\n`, [[TOKEN, NEW_TOKEN]]);
    assert.equal(updated.text, `A=1\r\n${TOKEN}=${NEW_TOKEN}\r\nB=2\r\n`);
  });

  it('keeps a byte order mark, and reads a key on the first line after it', () => {
    const text = `\ufeff${TOKEN}=\nA=1\n`;
    const edit = editDotenv(text, both);
    assert.equal(edit.text, `\ufeff${TOKEN}=${NEW_TOKEN}\nA=1\n${WS}=${NEW_WS}\n`);
    assert.equal(editDotenv('\ufeff', [[WS, NEW_WS]]).text, `\ufeff${WS}=${NEW_WS}\n`);
  });

  it('keeps a missing final line break missing', () => {
    assert.equal(editDotenv('A=1', both).text, `A=1\n${TOKEN}=${NEW_TOKEN}\n${WS}=${NEW_WS}`);
    assert.equal(editDotenv('A=1\r\nB=2', [[WS, NEW_WS]]).text, `A=1\r\nB=2\r\n${WS}=${NEW_WS}`);
    assert.equal(editDotenv(`${TOKEN}=`, [[TOKEN, NEW_TOKEN]]).text, `${TOKEN}=${NEW_TOKEN}`);
  });

  it('uses `export ` for new lines when every assignment in the file has it', () => {
    assert.equal(editDotenv('export A=1\n', [[WS, NEW_WS]]).text, `export A=1\nexport ${WS}=${NEW_WS}\n`);
    assert.equal(editDotenv('export A=1\nB=2\n', [[WS, NEW_WS]]).text, `export A=1\nB=2\n${WS}=${NEW_WS}\n`);
  });

  it('with duplicates reads and updates only the last (effective) one, and reports it', () => {
    const text = `${TOKEN}=mbx_first\nA=1\n${TOKEN}=\n`;
    assert.equal(effectiveValues(text, [TOKEN]).get(TOKEN), '');
    const edit = editDotenv(text, [[TOKEN, NEW_TOKEN]]);
    assert.equal(edit.text, `${TOKEN}=mbx_first\nA=1\n${TOKEN}=${NEW_TOKEN}\n`);
    assert.deepEqual(edit.duplicates, [TOKEN]);
    // The last one holding a different value is the conflict, whatever the first holds.
    const conflict = editDotenv(`${TOKEN}=${NEW_TOKEN}\n${TOKEN}=mbx_other\n`, [[TOKEN, NEW_TOKEN]]);
    assert.deepEqual(conflict.outcomes, { [TOKEN]: 'conflict' });
  });

  it('does not take commented-out lines, or lines inside another multi-line value, for assignments', () => {
    const text = [
      `# ${TOKEN}=mbx_commented`,
      'CERT="-----BEGIN-----',
      `${TOKEN}=mbx_inside_a_value`,
      '-----END-----"',
      "NOTE='line one",
      `${WS}=inside-single-quotes'`,
      '',
    ].join('\n');
    const values = effectiveValues(text, [TOKEN, WS]);
    assert.equal(values.get(TOKEN), undefined);
    assert.equal(values.get(WS), undefined);
    const edit = editDotenv(text, both);
    assert.equal(edit.text, `${text}${TOKEN}=${NEW_TOKEN}\n${WS}=${NEW_WS}\n`);
  });

  it('replaces a multi-line quoted value of its own key whole', () => {
    const text = `${TOKEN}="mbx_a\nmbx_b"\nA=1\n`;
    const edit = editDotenv(text, [[TOKEN, NEW_TOKEN]], new Set([TOKEN]));
    assert.equal(edit.text, `${TOKEN}="${NEW_TOKEN}"\nA=1\n`);
  });

  it('reads quoted values as the dotenv readers do', () => {
    const text = [
      `${TOKEN}="mbx_\\"q\\"" # c`,
      `${WS}=plain value with spaces   # comment`,
      'HASH=abc#not-a-comment',
      "SINGLE='a \\n b'",
      'BACK=`tick`',
      'UNTERMINATED="abc',
      '',
    ].join('\n');
    const v = effectiveValues(text, [TOKEN, WS, 'HASH', 'SINGLE', 'BACK', 'UNTERMINATED']);
    assert.equal(v.get(TOKEN), 'mbx_"q"');
    assert.equal(v.get(WS), 'plain value with spaces');
    assert.equal(v.get('HASH'), 'abc#not-a-comment');
    assert.equal(v.get('SINGLE'), 'a \\n b');
    assert.equal(v.get('BACK'), 'tick');
    assert.equal(v.get('UNTERMINATED'), '"abc');
    const edit = editDotenv(text, both, new Set([TOKEN, WS]));
    assert.equal(edit.text.split('\n')[1], `${WS}=${NEW_WS}   # comment`);
    assert.equal(edit.text.split('\n')[0], `${TOKEN}="${NEW_TOKEN}" # c`);
  });

  it('an unterminated quote on our own key is replaced to the end of its line only', () => {
    const edit = editDotenv(`${TOKEN}="mbx_half\nA=1\n`, [[TOKEN, NEW_TOKEN]], new Set([TOKEN]));
    assert.equal(edit.text, `${TOKEN}=${NEW_TOKEN}\nA=1\n`);
  });

  it('refuses values that could change what the file means (a hostile workspace id)', () => {
    for (const bad of ['x\nEVIL=1', 'a b', 'a#b', '"q"', "'", '$(id)', '${HOME}', '', 'x'.repeat(4097), 'a\rb']) {
      assert.equal(isWritableValue(bad), false, JSON.stringify(bad));
      assert.throws(() => editDotenv('', [[WS, bad]]));
    }
    assert.equal(isWritableValue(NEW_TOKEN), true);
    assert.equal(isWritableValue(NEW_WS), true);
  });

  it('edits a 1 MB file quickly and exactly', () => {
    const lines: string[] = [];
    for (let i = 0, size = 0; size < 1024 * 1024; i++) {
      lines.push(i % 7 === 0 ? `# comment ${i}` : `KEY_${i}="value ${i} with # and = signs"`);
      size += lines[i].length + 2;
    }
    lines.splice(lines.length >> 1, 0, `${TOKEN}=mbx_old`);
    const text = `${lines.join('\r\n')}\r\n`;
    const started = process.hrtime.bigint();
    const edit = editDotenv(text, both, new Set([TOKEN]));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
    assert.equal(edit.text, text.replace(`${TOKEN}=mbx_old`, `${TOKEN}=${NEW_TOKEN}`) + `${WS}=${NEW_WS}\r\n`);
  });

  it('stays linear on a hostile file of unterminated quotes', () => {
    const text = 'A="\n'.repeat(200_000);
    const started = process.hrtime.bigint();
    const edit = editDotenv(text, [[WS, NEW_WS]]);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
    assert.equal(edit.text, `${text}${WS}=${NEW_WS}\n`);
  });
});
