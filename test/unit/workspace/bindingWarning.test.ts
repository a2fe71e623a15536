import '../../support/fakeVscode';
import * as assert from 'node:assert/strict';
import { bindingProblemText } from '../../../src/workspace/bindingWarning';

describe('bindingProblemText', () => {
  const where = { id: '0b000000-0000-4000-8000-0000000000ff', folderUri: 'file:///p', folderName: 'project' };

  it('names the folder, the setting and the id, and says no workspace is used', () => {
    const text = bindingProblemText({ kind: 'notVisible', ...where });
    assert.match(text, /'project'/);
    assert.match(text, /modbox\.workspace/);
    assert.ok(text.includes(where.id));
    assert.match(text, /cannot see/);
    assert.match(text, /uses no workspace/);
    assert.match(bindingProblemText({ kind: 'invalid', ...where }), /is not a workspace ID/);
    assert.match(bindingProblemText({ kind: 'checking', ...where }), /^Checking/);
  });

  it('shows a folder name or id from a settings file as inert text', () => {
    const text = bindingProblemText({ kind: 'invalid', id: '[click](command:modbox.signOut)', folderUri: 'file:///p', folderName: '$(alert) [x](https://evil.example)' });
    assert.ok(!text.includes('](command:'), text);
    assert.ok(!text.includes('](https:'), text);
    assert.ok(!/(^|[^\\])\$\(alert\)/.test(text), text);
  });
});
