import * as assert from 'node:assert/strict';
import {
  defaultTaskId, detailsFileName, detailsJson, openableSandboxUrl, parseEnvVar, ttlChoices, validateEnvVar, validateTaskId, validateTtl,
} from '../../../src/commands/sandboxInput';
import { plainL10n } from '../../../src/views/l10n';

describe('Create Sandbox input', () => {
  it('accepts task ids of 1 to 255 characters, trimmed, without control characters', () => {
    assert.equal(validateTaskId('agent-42', plainL10n), undefined);
    assert.equal(validateTaskId(' pr-1 ', plainL10n), undefined);
    assert.equal(validateTaskId('x'.repeat(255), plainL10n), undefined);
    assert.match(validateTaskId('', plainL10n) ?? '', /Enter a task id/);
    assert.match(validateTaskId('   ', plainL10n) ?? '', /Enter a task id/);
    assert.match(validateTaskId('x'.repeat(256), plainL10n) ?? '', /at most 255 characters \(this is 256\)/);
    assert.ok(validateTaskId('a\nb', plainL10n));
  });

  it('defaults the task id to the folder name made id-like plus a suffix', () => {
    assert.equal(defaultTaskId('My App', 'a1b2'), 'my-app-a1b2');
    assert.equal(defaultTaskId('__', 'a1b2'), 'sandbox-a1b2');
    assert.equal(defaultTaskId(undefined, 'a1b2'), 'sandbox-a1b2');
    const long = defaultTaskId('x'.repeat(300), 'a1b2');
    assert.ok(long.length <= 45 && validateTaskId(long, plainL10n) === undefined);
  });

  it('offers the documented TTLs and no limit; a custom one is 60 to 86400 whole seconds', () => {
    assert.deepEqual(ttlChoices(plainL10n).map((c) => c.seconds), [120, 300, 1800, 3600, 14400, 86400, undefined]);
    assert.equal(validateTtl('60', plainL10n), undefined);
    assert.equal(validateTtl(' 86400 ', plainL10n), undefined);
    for (const bad of ['59', '86401', '1.5', '-60', '', 'ten', '1e3']) {
      assert.ok(validateTtl(bad, plainL10n), `${bad} accepted`);
    }
  });

  it('parses KEY=VALUE environment variables; the value may hold = and spaces', () => {
    assert.deepEqual(parseEnvVar('DEBUG=1'), { key: 'DEBUG', value: '1' });
    assert.deepEqual(parseEnvVar('URL=a=b c'), { key: 'URL', value: 'a=b c' });
    assert.deepEqual(parseEnvVar('EMPTY='), { key: 'EMPTY', value: '' });
    assert.equal(parseEnvVar('1BAD=x'), undefined);
    assert.equal(parseEnvVar('NOEQUALS'), undefined);
    assert.equal(validateEnvVar('', plainL10n), undefined, 'empty ends the list');
    assert.ok(validateEnvVar('no equals', plainL10n));
  });

  it('opens only https, or http to this machine', () => {
    assert.equal(openableSandboxUrl('https://sb.modbox.run/x'), 'https://sb.modbox.run/x');
    assert.equal(openableSandboxUrl('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080/');
    assert.equal(openableSandboxUrl('http://localhost:3000'), 'http://localhost:3000/');
    assert.equal(openableSandboxUrl('http://[::1]:3000/'), 'http://[::1]:3000/');
    for (const bad of ['http://sb.modbox.run', 'javascript:alert(1)', 'file:///etc/passwd', 'command:modbox.signOut',
      'vscode://modbox.vscode-modbox/open', 'https://user:pw@sb.modbox.run', 'not a url', '', undefined, 'http://127.0.0.1.evil.com']) {
      assert.equal(openableSandboxUrl(bad), undefined, `${String(bad)} accepted`);
    }
  });

  it('writes the details as indented JSON with invisible characters escaped', () => {
    const text = detailsJson({ name: 'a\u202eb', n: 1 });
    assert.equal(text, '{\n  "name": "a\\u202eb",\n  "n": 1\n}\n');
    assert.deepEqual(JSON.parse(text), { name: 'a\u202eb', n: 1 });
    assert.equal(detailsJson(undefined), 'null\n');
    assert.equal(detailsFileName('agent/../42'), 'agent_.._42.json');
    assert.equal(detailsFileName('...'), 'sandbox.json');
  });
});
