import * as assert from 'node:assert/strict';
import { labelText, markdownText, messageText, truncate, withoutControlChars } from '../../../src/util/untrustedText';

// VS Code's own rule for links in notifications, modal-free messages and
// quick-input text (parseLinkedText in 1.99.3's workbench.js, unchanged in
// 1.139): no label escape exists, so what matters is whether this matches.
const VSCODE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
// VS Code's icon syntax in labels; a preceding backslash makes it literal text.
const VSCODE_ICON = /(\\)?\$\(([a-z0-9-]+(?:~[a-z]+)?)\)/gi;

function links(text: string): string[] {
  return [...text.matchAll(VSCODE_LINK)].map((m) => m[2]);
}
function icons(text: string): string[] {
  return [...text.matchAll(VSCODE_ICON)].filter((m) => !m[1]).map((m) => m[2]);
}

const COMMAND_LINK = '[Reload](command:workbench.action.reloadWindow)';
const IMAGE = '![x](https://example.invalid/x.png)';
const HTML = '<img src=x onerror=alert(1)><b>bold</b>';
const LONG = 'L'.repeat(2000);

describe('messageText (notifications, modals, quick picks, status bar)', () => {
  it('leaves ordinary names exactly as they are', () => {
    for (const name of ['Analytical Engines', "Grace's Workspace", 'ci-pipeline (old)', 'a [draft]', 'ada@example.com', 'Ünïcödé 😀']) {
      assert.equal(messageText(name), name);
    }
  });

  it('a Markdown command link cannot become a link, and still reads as written', () => {
    const shown = messageText(COMMAND_LINK);
    assert.deepEqual(links(shown), []);
    assert.equal(shown, '[Reload] (command:workbench.action.reloadWindow)');
  });

  it('a backslash escape would not have helped: VS Code still finds the link', () => {
    // Why messageText does not use Markdown escapes: this surface is not Markdown.
    assert.deepEqual(links('\\[Reload\\](command:workbench.action.reloadWindow)'), ['command:workbench.action.reloadWindow']);
  });

  it('images, titled links, https and file links, and links split by white space are all broken', () => {
    for (const hostile of [
      IMAGE,
      '[a](https://example.invalid "title")',
      '[a](file:///etc/passwd)',
      '[a]\n(command:x)',
      '[a]\t(command:x)',
      `x ${COMMAND_LINK} y ${IMAGE} z`,
      '[[a](command:x)](command:y)',
    ]) {
      const shown = messageText(hostile);
      assert.deepEqual(links(shown), [], `${JSON.stringify(hostile)} became ${JSON.stringify(shown)}`);
      assert.deepEqual(links(`Copied the ID of '${shown}'.`), [], 'not inside a sentence either');
    }
    assert.equal(messageText(IMAGE), '![x] (https://example.invalid/x.png)');
  });

  it('HTML stays visible text (these surfaces render no HTML)', () => {
    assert.equal(messageText(HTML), HTML);
  });

  it('theme icons show as literal text', () => {
    const shown = messageText('$(alert) $(sync~spin)$(x) \\$(kept)');
    assert.deepEqual(icons(shown), []);
    assert.equal(shown, '\\$(alert) \\$(sync~spin)\\$(x) \\$(kept)');
  });

  it('control, zero-width and bidi characters go; line breaks fold into one line', () => {
    assert.equal(messageText('tab\there\nnew line\r\u0000nul\u001b[31mred'), 'tab here new line nul [31mred');
    assert.equal(messageText('\u202Egnp.exe\u202C (bidi)'), 'gnp.exe (bidi)');
    assert.equal(messageText('a\u200bb\u2066c\u2069\ufeffd\u2028e'), 'a b c d e');
  });

  it('a very long line is cut with an ellipsis; the start stays readable', () => {
    const shown = messageText(`${COMMAND_LINK} ${LONG}`);
    assert.equal(Array.from(shown).length, 160);
    assert.ok(shown.startsWith('[Reload] (command:workbench.action.reloadWindow) LLL'));
    assert.ok(shown.endsWith('…'));
    assert.equal(messageText('x'.repeat(50), 10), `${'x'.repeat(9)}…`);
  });

  it('is idempotent, so wrapping twice (error text, then a message) changes nothing more', () => {
    for (const hostile of [COMMAND_LINK, IMAGE, HTML, '$(alert)', `${COMMAND_LINK}${LONG}`, '[a] (command:x)']) {
      const once = messageText(hostile);
      assert.equal(messageText(once), once);
    }
  });

  it('never throws on values that are not strings', () => {
    assert.equal(messageText(undefined), '');
    assert.equal(messageText(42), '42');
  });
});

describe('labelText (tree labels and descriptions)', () => {
  it('one clean line, capped, otherwise unchanged', () => {
    assert.equal(labelText(`  ${COMMAND_LINK}\n${HTML}  `), `${COMMAND_LINK} ${HTML}`);
    assert.equal(labelText('\u0000\u202E '), '');
    assert.equal(Array.from(labelText(LONG)).length, 160);
  });
});

describe('markdownText (inside Markdown tooltips)', () => {
  it('leaves letters, digits and spaces alone', () => {
    assert.equal(markdownText('ci pipeline 42'), 'ci pipeline 42');
  });

  it('escapes every Markdown and HTML metacharacter', () => {
    // Every ASCII punctuation character, then the constructs they make.
    const punctuation = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i)).filter((c) => !/[A-Za-z0-9]/.test(c)).join('');
    assert.equal(punctuation.length, 32);
    const hostile = `${punctuation} **bold** ${COMMAND_LINK} ${IMAGE} ${HTML} \`code\` $(alert) # h | t ~s~ _i_ !`;
    const escaped = markdownText(hostile);
    // Every punctuation character is preceded by a backslash, so nothing is left to interpret.
    for (let i = 0; i < escaped.length; i++) {
      if (/[!-/:-@[-`{-~]/.test(escaped[i]) && escaped[i] !== '\\') {
        assert.equal(escaped[i - 1], '\\', `unescaped ${escaped[i]} at ${i} in ${escaped}`);
      }
    }
    assert.ok(!escaped.includes('https://'), 'autolinks are broken up');
    assert.ok(!escaped.includes('command:'), 'command targets are broken up');
    assert.ok(escaped.includes('\\<img'));
  });

  it('escapes backslashes themselves, so an escape cannot be undone', () => {
    assert.equal(markdownText('\\*'), '\\\\\\*');
  });

  it('turns line breaks and control characters into spaces so no block can start', () => {
    assert.equal(markdownText('a\n# heading\r\n    code\u0000'), 'a \\# heading code');
  });

  it('caps a very long value', () => {
    assert.equal(Array.from(markdownText(LONG)).length, 640);
  });
});

describe('withoutControlChars and truncate', () => {
  it('replace each control character with a space and keep everything else', () => {
    assert.equal(withoutControlChars('a\u0007b\u009fc\u202Ed'), 'a b c d');
  });

  it('never cut a surrogate pair in half', () => {
    assert.equal(truncate('😀😀😀', 2), '😀…');
    assert.equal(truncate('😀😀', 2), '😀😀');
  });
});
