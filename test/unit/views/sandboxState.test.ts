import * as assert from 'node:assert/strict';
import { filterSandboxes, SANDBOX_FILTER_KEY, SANDBOX_TTLS_KEY, SandboxFilterState, SandboxTtls } from '../../../src/views/sandboxState';
import { MemoryMemento } from '../../support/memoryMemento';

const rows = [
  { id: '1', name: 'a', status: 'running' },
  { id: '2', name: 'b', status: 'destroyed' },
  { id: '3', name: 'c', status: 'provisioning' },
  { id: '4', name: 'd', status: 'failed' },
  { id: '5', name: 'e', status: 'odd' },
];

describe('sandbox filter', () => {
  it('hides destroyed sandboxes by default and shows them with "all"', () => {
    assert.deepEqual(filterSandboxes(rows, 'running').map((r) => r.id), ['1', '3', '4', '5']);
    assert.deepEqual(filterSandboxes(rows, 'all').map((r) => r.id), ['1', '2', '3', '4', '5']);
  });

  it('is remembered per workspace; "running" is the default, also for no workspace', async () => {
    const memento = new MemoryMemento();
    const filters = new SandboxFilterState(memento);
    assert.equal(filters.get('ws-1'), 'running');
    await filters.set('ws-1', 'all');
    assert.equal(filters.get('ws-1'), 'all');
    assert.equal(filters.get('ws-2'), 'running');
    assert.equal(filters.get(undefined), 'running');
    // Another window (same global state) sees it.
    assert.equal(new SandboxFilterState(memento).get('ws-1'), 'all');
    await filters.set('ws-1', 'running');
    assert.equal(filters.get('ws-1'), 'running');
    assert.deepEqual(memento.get(SANDBOX_FILTER_KEY), {});
  });

  it('survives garbage in global state and keeps at most 200 workspaces', async () => {
    const memento = new MemoryMemento();
    await memento.update(SANDBOX_FILTER_KEY, ['not', 'an', 'object']);
    const filters = new SandboxFilterState(memento);
    assert.equal(filters.get('ws-1'), 'running');
    for (let i = 0; i < 205; i++) {
      await filters.set(`ws-${i}`, 'all');
    }
    const stored = memento.get<Record<string, string>>(SANDBOX_FILTER_KEY) ?? {};
    assert.equal(Object.keys(stored).length, 200);
    assert.equal(filters.get('ws-0'), 'running', 'the oldest choice was kept');
    assert.equal(filters.get('ws-204'), 'all');
  });
});

describe('sandbox TTLs asked for', () => {
  it('remembers the TTL and when it was asked for, by sandbox id', async () => {
    let now = 1_000_000;
    const ttls = new SandboxTtls(new MemoryMemento(), () => now);
    await ttls.remember('sb-1', 300);
    assert.deepEqual(ttls.get('sb-1'), { ttlSeconds: 300, requestedAt: 1_000_000 });
    assert.equal(ttls.get('sb-2'), undefined);
    now += 1000;
    await ttls.forget(['sb-1']);
    assert.equal(ttls.get('sb-1'), undefined);
  });

  it('prunes entries a day past their TTL when writing, and ignores malformed ones', async () => {
    const memento = new MemoryMemento();
    let now = 0;
    const ttls = new SandboxTtls(memento, () => now);
    await ttls.remember('old', 60);
    now = 60_000 + 24 * 3600_000 + 1;
    await memento.update(SANDBOX_TTLS_KEY, { ...memento.get<object>(SANDBOX_TTLS_KEY), bad: { ttlSeconds: 'x' } });
    assert.equal(ttls.get('bad'), undefined);
    await ttls.remember('new', 60);
    assert.deepEqual(Object.keys(memento.get<object>(SANDBOX_TTLS_KEY) ?? {}), ['new']);
  });
});
