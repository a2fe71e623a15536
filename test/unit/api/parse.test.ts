import * as assert from 'node:assert/strict';
import {
  MAX_LIST_ITEMS, parseApiTokens, parseCreatedApiToken, parseProvisionedSandbox, parseSandbox, parseSandboxes, parseSandboxImages,
  parseSandboxWait, parseTokenResponse, parseWorkspaceDetail, parseWorkspaces,
} from '../../../src/api/parse';
import { ModboxError } from '../../../src/api/errors';
import { withoutControlChars } from '../../../src/util/untrustedText';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln';

function assertBadResponse(fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => err instanceof ModboxError && err.kind === 'badResponse');
}

describe('parseTokenResponse', () => {
  it('reads the login/refresh wrapper', () => {
    const json = { success: true, tokens: { access_token: JWT, refresh_token: 'r1', expires_in: 300, refresh_expires_in: 1800, extra: 1 } };
    assert.deepEqual(parseTokenResponse(json), { accessToken: JWT, refreshToken: 'r1', expiresIn: 300, refreshExpiresIn: 1800 });
  });
  it('reads bare tokens and tolerates missing optional fields', () => {
    assert.deepEqual(parseTokenResponse({ access_token: JWT }), { accessToken: JWT });
    assert.deepEqual(parseTokenResponse({ access_token: JWT, expires_in: '300' }), { accessToken: JWT, expiresIn: 300 });
  });
  it('ignores wrongly typed optional fields', () => {
    assert.deepEqual(parseTokenResponse({ access_token: JWT, refresh_token: 5, expires_in: -1 }), { accessToken: JWT });
  });
  it('refuses responses without a usable access token', () => {
    assertBadResponse(() => parseTokenResponse(null));
    assertBadResponse(() => parseTokenResponse([]));
    assertBadResponse(() => parseTokenResponse({ success: true }));
    assertBadResponse(() => parseTokenResponse({ access_token: 'has space' }));
    assertBadResponse(() => parseTokenResponse({ access_token: 'a\r\nX-Evil: 1' }));
    assertBadResponse(() => parseTokenResponse({ access_token: 'x'.repeat(20_000) }));
  });
  it('never puts the token into the error message', () => {
    assert.throws(
      () => parseTokenResponse({ tokens: { access_token: 'secret value with spaces' } }),
      (err: unknown) => err instanceof ModboxError && err.kind === 'badResponse' && !err.message.includes('secret value'),
    );
  });
});

describe('parseWorkspaces', () => {
  const ws = { id: 'w1', name: 'Team', description: 'desc', realm: 'modbox', created_at: '2024-05-01T10:00:00Z', created_by: 'u1', role: 'Owner', member_count: 3, junk: { deep: 1 } };

  it('reads the {workspaces} wrapper and a bare array', () => {
    const expected = [{ id: 'w1', name: 'Team', description: 'desc', realm: 'modbox', createdAt: '2024-05-01T10:00:00Z', createdBy: 'u1', role: 'owner', memberCount: 3 }];
    assert.deepEqual(parseWorkspaces({ workspaces: [ws] }), expected);
    assert.deepEqual(parseWorkspaces([ws]), expected);
  });
  it('skips items of the wrong shape and falls back to the id for a missing name', () => {
    const out = parseWorkspaces({ workspaces: [null, 5, 'x', { name: 'no id' }, { id: 'w2' }, { id: 7, name: 42 }] });
    assert.deepEqual(out, [{ id: 'w2', name: 'w2' }, { id: '7', name: '7' }]);
  });
  it('refuses something that is not a list', () => {
    assertBadResponse(() => parseWorkspaces({ workspaces: 'nope' }));
    assertBadResponse(() => parseWorkspaces('text'));
  });
  it('does not copy __proto__ or constructor keys', () => {
    const hostile = JSON.parse('{"workspaces":[{"id":"w1","name":"n","__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}]}') as unknown;
    const [out] = parseWorkspaces(hostile);
    assert.deepEqual(Object.keys(out).sort(), ['id', 'name']);
    assert.equal((out as unknown as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
  it('cleans control characters and caps long strings', () => {
    const [out] = parseWorkspaces([{ id: 'w1', name: `evil\u202Ename\u0007${'x'.repeat(1000)}` }]);
    assert.ok(![...out.name].some((c) => c.charCodeAt(0) < 0x20 || c === "\u202e"));
    assert.ok(out.name.length <= 255);
  });
  it('rejects ids that could break a header or path', () => {
    assert.deepEqual(parseWorkspaces([{ id: 'a b' }, { id: 'a\r\nb' }, { id: '' }, { id: 'w1' }]), [{ id: 'w1', name: 'w1' }]);
  });
  it('refuses a non-empty list with nothing readable in it, rather than showing it as empty', () => {
    const unreadable = (err: unknown) => err instanceof ModboxError && err.kind === 'badResponse' && /no readable workspaces/.test(err.message);
    assert.throws(() => parseWorkspaces([{ id: 'a b' }, { id: '' }]), unreadable);
    // Deeply nested arrays (a hostile or broken server) are one unreadable item.
    assert.throws(() => parseWorkspaces(JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)), unreadable);
    assert.throws(() => parseApiTokens([[[[]]], null, 'x']), (err: unknown) => err instanceof ModboxError && /no readable API tokens/.test(err.message));
    assert.throws(() => parseWorkspaceDetail({ id: 'w1', members: [5, null] }), (err: unknown) => err instanceof ModboxError && /no readable members/.test(err.message));
    // An empty list is a real answer.
    assert.deepEqual(parseWorkspaces({ workspaces: [] }), []);
    assert.deepEqual(parseApiTokens([]), []);
  });
  it('caps the number of items', () => {
    const many = Array.from({ length: MAX_LIST_ITEMS + 50 }, (_, i) => ({ id: `w${i}`, name: 'n' }));
    assert.equal(parseWorkspaces(many).length, MAX_LIST_ITEMS);
  });
  it('drops unparseable timestamps', () => {
    assert.deepEqual(parseWorkspaces([{ id: 'w', name: 'n', created_at: 'yesterday-ish' }]), [{ id: 'w', name: 'n' }]);
  });
});

describe('parseWorkspaceDetail', () => {
  it('reads a workspace with members', () => {
    const json = {
      id: 'w1', name: 'Team', realm: 'modbox', updated_at: 'x',
      members: [
        { id: 'm1', workspace_id: 'w1', user_id: 'u1', role: 'owner', added_by: 'u1', created_at: '2024-05-01T10:00:00Z', email: 'a@b.c' },
        { user_id: 'u2' },
        { id: 'm3' },
      ],
    };
    assert.deepEqual(parseWorkspaceDetail(json), {
      id: 'w1', name: 'Team', realm: 'modbox', memberCount: 3,
      members: [
        { id: 'm1', userId: 'u1', role: 'owner', createdAt: '2024-05-01T10:00:00Z', email: 'a@b.c' },
        { id: 'u2', userId: 'u2', role: 'member' },
      ],
    });
  });
  it('tolerates a missing member list and a {workspace} wrapper', () => {
    assert.deepEqual(parseWorkspaceDetail({ workspace: { id: 'w1', name: 'n' } }), { id: 'w1', name: 'n', memberCount: 0, members: [] });
  });
  it('refuses a body without a workspace', () => {
    assertBadResponse(() => parseWorkspaceDetail({ detail: 'x' }));
  });
});

describe('parseApiTokens', () => {
  it('reads a bare array (the contract) and wrappers', () => {
    const item = { id: 't1', description: 'ci', token_prefix: 'mbx_ab12', created_at: '2024-05-01T10:00:00Z', last_used_at: null };
    const expected = [{ id: 't1', description: 'ci', tokenPrefix: 'mbx_ab12', createdAt: '2024-05-01T10:00:00Z', lastUsedAt: null }];
    assert.deepEqual(parseApiTokens([item]), expected);
    assert.deepEqual(parseApiTokens({ tokens: [item] }), expected);
    assert.deepEqual(parseApiTokens({ api_tokens: [item] }), expected);
  });
  it('keeps last use, defaults description, and skips tokens without id', () => {
    assert.deepEqual(parseApiTokens([{ id: 't1', last_used_at: '2024-06-01T00:00:00Z' }, { description: 'x' }]),
      [{ id: 't1', description: '', lastUsedAt: '2024-06-01T00:00:00Z' }]);
  });
  it('never keeps a full token value from a list', () => {
    const [out] = parseApiTokens([{ id: 't1', token: 'mbx_FULLSECRETVALUE1234' }]);
    assert.equal(out.tokenPrefix, 'mbx_FULL');
    assert.ok(!JSON.stringify(out).includes('SECRETVALUE'));
  });
});

describe('parseCreatedApiToken', () => {
  it('reads the created token', () => {
    assert.deepEqual(parseCreatedApiToken({ id: 't1', description: 'ci', token: 'mbx_abcdefghijkl', created_at: '2024-05-01T10:00:00Z', x: 1 }),
      { id: 't1', description: 'ci', token: 'mbx_abcdefghijkl', createdAt: '2024-05-01T10:00:00Z' });
  });
  it('refuses a token that is not an mbx_ token', () => {
    assertBadResponse(() => parseCreatedApiToken({ id: 't1', token: JWT }));
    assertBadResponse(() => parseCreatedApiToken({ id: 't1', token: 'mbx_' }));
    assertBadResponse(() => parseCreatedApiToken({ id: 't1' }));
    assertBadResponse(() => parseCreatedApiToken({ token: 'mbx_abcdefghijkl' }));
    assertBadResponse(() => parseCreatedApiToken('mbx_abcdefghijkl'));
  });
});

describe('sandbox parsers', () => {
  const item = {
    id: '0e000000-0000-4000-8000-000000000001', name: 'run-1', status: 'Running', sandbox_url: 'https://run-1.sbx.modbox.run/',
    image: 'modbox/code-exec:latest', created_at: '2025-01-15T09:00:00Z', created_by: 'u1', updated_at: '2025-01-15T09:01:00Z',
    destroyed_at: null, unknown_field: { deep: true },
  };
  const parsed = {
    id: item.id, name: 'run-1', status: 'running', sandboxUrl: item.sandbox_url, image: item.image, createdAt: item.created_at,
    createdBy: 'u1', updatedAt: item.updated_at, destroyedAt: null,
  };

  it('reads the {sandboxes} wrapper, a bare array and other wrappers, dropping unknown fields', () => {
    assert.deepEqual(parseSandboxes({ sandboxes: [item] }), [parsed]);
    assert.deepEqual(parseSandboxes([item]), [parsed]);
    assert.deepEqual(parseSandboxes({ items: [item] }), [parsed]);
    assert.deepEqual(parseSandboxes({ sandboxes: [] }), []);
    assertBadResponse(() => parseSandboxes({ sandboxes: 'none' }));
    assertBadResponse(() => parseSandboxes([{ name: 'no id' }]));
  });

  it('takes the task id from task_id when present, else name, else the id', () => {
    assert.equal(parseSandboxes([{ ...item, task_id: 'task-7' }])[0].name, 'task-7');
    assert.equal(parseSandboxes([{ id: 's1', status: 'running' }])[0].name, 's1');
    assert.equal(parseSandbox({ sandbox_id: 's2', name: 'n' }).id, 's2');
  });

  it('survives missing optional fields and keeps unknown statuses as they are', () => {
    assert.deepEqual(parseSandboxes([{ id: 's1', name: 'a' }]), [{ id: 's1', name: 'a', status: 'unknown' }]);
    assert.equal(parseSandboxes([{ id: 's1', name: 'a', destroyed_at: '2025-01-15T09:00:00Z' }])[0].status, 'destroyed');
    assert.equal(parseSandboxes([{ id: 's1', name: 'a', status: 'Hibernating' }])[0].status, 'hibernating');
  });

  it('keeps only http(s) sandbox URLs without credentials', () => {
    for (const bad of ['command:workbench.action.quit', 'javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@x.test/', 'not a url', 42]) {
      assert.equal(parseSandbox({ id: 's1', name: 'a', sandbox_url: bad }).sandboxUrl, undefined, String(bad));
    }
    assert.equal(parseSandbox({ id: 's1', sandbox_url: 'http://127.0.0.2:5000/__sandbox/s1/' }).sandboxUrl, 'http://127.0.0.2:5000/__sandbox/s1/');
  });

  it('reads a detail bare or wrapped, and refuses one without an id', () => {
    assert.deepEqual(parseSandbox(item), parsed);
    assert.deepEqual(parseSandbox({ sandbox: item }), parsed);
    assertBadResponse(() => parseSandbox({ name: 'x' }));
    assertBadResponse(() => parseSandbox(null));
  });

  it('cleans hostile names and does not copy prototype keys', () => {
    const hostile = JSON.parse('[{"id":"s1","name":"a\\u001b[31m\\u202Eb","__proto__":{"polluted":true}}]') as unknown;
    const [out] = parseSandboxes(hostile);
    assert.equal(out.name, withoutControlChars(out.name));
    assert.ok(!out.name.includes('\u202e'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('reads images from {images} or a bare array, with defaults for missing flags', () => {
    const image = {
      id: 'i1', name: 'modbox/code-exec', image: 'modbox/code-exec', tag: 'latest', description: 'Python, Node.js, Go, Bash', enabled: true,
      is_default: true, memory_mb: 1024, ttl_seconds: 1800, created_at: '2025-01-15T09:00:00Z', workspace_id: null, readiness_port: 8080,
    };
    const expected = {
      id: 'i1', name: 'modbox/code-exec', image: 'modbox/code-exec', tag: 'latest', description: 'Python, Node.js, Go, Bash', enabled: true,
      isDefault: true, global: true, ttlSeconds: 1800, memoryMb: 1024, createdAt: '2025-01-15T09:00:00Z',
    };
    assert.deepEqual(parseSandboxImages({ images: [image] }), [expected]);
    assert.deepEqual(parseSandboxImages([image]), [expected]);
    assert.deepEqual(parseSandboxImages([{ id: 'i2', image: 'ghcr.io/x/y' }]), [{ id: 'i2', name: 'ghcr.io/x/y', image: 'ghcr.io/x/y', enabled: true, isDefault: false }]);
    assert.equal(parseSandboxImages([{ id: 'i3', is_global: false, workspace_id: null }])[0].global, false);
    assert.equal(parseSandboxImages([{ id: 'i4', enabled: 'false' }])[0].enabled, false);
    assertBadResponse(() => parseSandboxImages({ images: 'x' }));
  });

  it('reads the provision answer in its documented and detail-like shapes', () => {
    assert.deepEqual(parseProvisionedSandbox({ success: true, error: null, sandbox_id: 's1', sandbox_url: 'https://s1.test/', status: 'provisioning' }),
      { sandboxId: 's1', sandboxUrl: 'https://s1.test/', status: 'provisioning' });
    assert.deepEqual(parseProvisionedSandbox({ id: 's1', name: 'x', status: 'running' }), { sandboxId: 's1', status: 'running' });
    assert.deepEqual(parseProvisionedSandbox({ sandbox: { id: 's1' } }), { sandboxId: 's1', status: 'provisioning' });
    assertBadResponse(() => parseProvisionedSandbox({ success: true }));
  });

  it('reads the wait answer and refuses one without a ready flag', () => {
    assert.deepEqual(parseSandboxWait({ ready: true, elapsed_seconds: 3.5 }), { ready: true, elapsedSeconds: 3.5 });
    assert.deepEqual(parseSandboxWait({ ready: false, elapsed_seconds: 'long' }), { ready: false });
    assertBadResponse(() => parseSandboxWait({ ready: 'maybe' }));
    assertBadResponse(() => parseSandboxWait([]));
  });
});
