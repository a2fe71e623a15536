import * as assert from 'node:assert/strict';
import { plainL10n } from '../../../src/views/l10n';
import {
  formatTimeLeft, formatTtl, sandboxLabel, sandboxText, sandboxTooltip, sortSandboxesNewestFirst, statusClass, statusIcon,
  statusWord, timeLeftMs, type SandboxFields,
} from '../../../src/views/sandboxesText';

const NOW = Date.parse('2026-03-15T12:00:00Z');

function sandbox(over: Partial<SandboxFields> = {}): SandboxFields {
  return {
    id: '5b000000-0000-4000-8000-000000000001', name: 'agent-42', status: 'running', image: 'modbox/code-exec',
    sandboxUrl: 'https://agent-42.sbx.modbox.run', createdAt: '2026-03-15T11:50:00Z', ...over,
  };
}

describe('sandbox row text', () => {
  it('labels a row with its task id; image and age in the description; no status word for running', () => {
    const text = sandboxText(sandbox(), undefined, NOW, plainL10n);
    assert.equal(text.label, 'agent-42');
    assert.equal(text.description, 'modbox/code-exec · 10 minutes ago');
  });

  it('shows the time left only for a TTL this editor asked for, counted from the server creation date', () => {
    const ttl = { ttlSeconds: 1800, requestedAt: NOW - 60 * 60_000 };
    assert.equal(sandboxText(sandbox(), ttl, NOW, plainL10n).description, 'modbox/code-exec · 10 minutes ago · 20 min left');
    assert.equal(timeLeftMs(sandbox(), ttl, NOW), 20 * 60_000);
  });

  it('counts from when the provision was sent when the server gives no creation date', () => {
    const ttl = { ttlSeconds: 3600, requestedAt: NOW - 30 * 60_000 };
    assert.equal(timeLeftMs(sandbox({ createdAt: undefined }), ttl, NOW), 30 * 60_000);
    assert.equal(sandboxText(sandbox({ createdAt: 'not a date' }), ttl, NOW, plainL10n).description, 'modbox/code-exec · 30 min left');
  });

  it('shows no time left for a destroyed or failed sandbox, and "expiring" once the TTL passed', () => {
    const ttl = { ttlSeconds: 120, requestedAt: NOW };
    assert.equal(timeLeftMs(sandbox({ status: 'destroyed' }), ttl, NOW), undefined);
    assert.equal(timeLeftMs(sandbox({ status: 'failed' }), ttl, NOW), undefined);
    assert.match(sandboxText(sandbox(), ttl, NOW, plainL10n).description, /expiring$/);
  });

  it('puts the status first when it is not running, and shows an unknown status as the server wrote it', () => {
    assert.equal(sandboxText(sandbox({ status: 'provisioning', image: undefined, createdAt: undefined }), undefined, NOW, plainL10n).description, 'provisioning');
    assert.equal(sandboxText(sandbox({ status: 'hibernating' }), undefined, NOW, plainL10n).description.split(' · ')[0], 'hibernating');
    assert.equal(statusWord('', plainL10n), 'unknown');
  });

  it('gives each status a codicon and colour; provisioning spins; unknown ones get a question mark', () => {
    assert.equal(statusIcon('provisioning').icon, 'loading~spin');
    assert.equal(statusIcon('running').icon, 'vm-running');
    assert.ok(statusIcon('running').color);
    assert.equal(statusIcon('destroyed').icon, 'circle-slash');
    assert.equal(statusIcon('failed').icon, 'error');
    assert.deepEqual(statusIcon('weird'), { icon: 'question' });
    assert.equal(statusClass('weird'), 'other');
    assert.equal(statusClass('constructor'), 'other');
  });

  it('keeps server text inert: no control characters in labels, Markdown escaped in the tooltip', () => {
    const hostile = sandbox({ name: 'evil\u202e[click](command:modbox.signOut)', image: '**bold**\nnext', createdBy: '<img src=x>' });
    const text = sandboxText(hostile, undefined, NOW, plainL10n);
    assert.ok(!text.label.includes('\u202e'));
    assert.ok(!text.description.includes('\n'));
    const tip = sandboxTooltip(hostile, undefined, NOW, 'Team <b>', plainL10n);
    assert.ok(tip.includes('\\[click\\]\\(command\\:modbox\\.signOut\\)'), tip);
    assert.ok(tip.includes('\\<img src\\=x\\>'));
    assert.ok(tip.includes('Workspace: Team \\<b\\>'));
    assert.ok(!/(?<!\\)<img/.test(tip), 'an unescaped tag');
  });

  it('puts every field in the tooltip', () => {
    const tip = sandboxTooltip(sandbox({ createdBy: 'ada@example.com', updatedAt: '2026-03-15T11:55:00Z', destroyedAt: null }),
      { ttlSeconds: 1800, requestedAt: NOW }, NOW, 'Personal', plainL10n);
    for (const part of ['**agent\\-42**', 'Status: running', 'Image: modbox\\/code\\-exec', 'URL: https\\:', 'Sandbox ID: 5b000000',
      'Created: 2026-03-15 11:50 UTC', 'Updated: 2026-03-15 11:55 UTC', 'Created by: ada\\@example\\.com', 'TTL: 30 min', '20 min left']) {
      assert.ok(tip.includes(part), `${part} missing in ${tip}`);
    }
    assert.ok(!tip.includes('Destroyed:'));
  });

  it('falls back to the id, then to a placeholder, for a sandbox without a name', () => {
    assert.equal(sandboxLabel(sandbox({ name: '  ' }), plainL10n), '5b000000-0000-4000-8000-000000000001');
    assert.equal(sandboxLabel(sandbox({ name: '', id: '' }), plainL10n), '(unnamed sandbox)');
  });

  it('formats time left and TTLs', () => {
    assert.equal(formatTimeLeft(30_000, plainL10n), 'less than a minute left');
    assert.equal(formatTimeLeft(12 * 60_000 + 5000, plainL10n), '12 min left');
    assert.equal(formatTimeLeft(3 * 3600_000 + 5 * 60_000, plainL10n), '3 h 5 min left');
    assert.equal(formatTimeLeft(24 * 3600_000, plainL10n), '24 h left');
    assert.equal(formatTimeLeft(0, plainL10n), 'expiring');
    assert.equal(formatTtl(120, plainL10n), '2 min');
    assert.equal(formatTtl(3600, plainL10n), '1 h');
    assert.equal(formatTtl(5400, plainL10n), '1 h 30 min');
    assert.equal(formatTtl(90, plainL10n), '90 s');
  });

  it('sorts newest first, undated last, ties in server order', () => {
    const list = [
      sandbox({ id: 'a', createdAt: undefined }),
      sandbox({ id: 'b', createdAt: '2026-03-14T00:00:00Z' }),
      sandbox({ id: 'c', createdAt: '2026-03-15T00:00:00Z' }),
      sandbox({ id: 'd', createdAt: '2026-03-14T00:00:00Z' }),
    ];
    assert.deepEqual(sortSandboxesNewestFirst(list).map((s) => s.id), ['c', 'b', 'd', 'a']);
  });
});
