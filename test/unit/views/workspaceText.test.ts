import * as assert from 'node:assert/strict';
import { plainL10n } from '../../../src/views/l10n';
import { memberText, workspaceText } from '../../../src/views/workspaceText';

const WS = {
  id: '0b000000-0000-4000-8000-000000000001',
  name: 'Personal',
  realm: 'modbox',
  createdAt: '2026-01-02T03:04:05Z',
  role: 'owner',
  memberCount: 3,
};

describe('workspace text', () => {
  it('shows the role as description and marks the active workspace', () => {
    assert.equal(workspaceText(WS, false, plainL10n).description, 'owner');
    assert.equal(workspaceText(WS, true, plainL10n).description, 'owner · active');
    assert.equal(workspaceText({ id: 'x', name: 'n' }, true, plainL10n).description, 'active');
  });

  it('puts id, realm, created date and member count in the tooltip', () => {
    const tip = workspaceText(WS, false, plainL10n).tooltip;
    assert.ok(tip.includes('ID: 0b000000\\-0000\\-4000\\-8000\\-000000000001'));
    assert.ok(tip.includes('Realm: modbox'));
    assert.ok(tip.includes('Created: 2026-01-02 03:04 UTC'));
    assert.ok(tip.includes('3 members'));
    assert.ok(tip.includes('Your role: owner'));
  });

  it('never lets server text become markup', () => {
    const tip = workspaceText({ ...WS, name: '# [pwn](command:modbox.signOut)', description: '<script>x</script>\n- item' }, false, plainL10n).tooltip;
    assert.ok(!tip.includes('[pwn]'));
    assert.ok(!tip.includes('(command:'));
    assert.ok(!tip.includes('<script>'));
    assert.ok(!tip.includes('\n- item'));
  });

  it('labels members by email, falling back to the user id', () => {
    assert.deepEqual(
      [memberText({ id: 'm', userId: 'u1', email: 'a@b.c', role: 'admin' }, plainL10n).label,
        memberText({ id: 'm', userId: 'u1', role: 'viewer' }, plainL10n).label],
      ['a@b.c', 'u1'],
    );
    assert.equal(memberText({ id: 'm', userId: 'u1', role: 'viewer' }, plainL10n).description, 'viewer');
  });
});
