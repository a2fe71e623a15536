import * as assert from 'node:assert/strict';
import { ACTIVE_WORKSPACE_KEY, ActiveWorkspace, type StateStore } from '../../../src/workspace/activeWorkspace';

class MemoryState implements StateStore {
  data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

function make(state = new MemoryState()) {
  const env = { apiUrl: 'http://127.0.0.1:9000', account: 'u1' as string | undefined };
  const active = new ActiveWorkspace(state, () => env.apiUrl, () => env.account);
  return { active, env, state };
}

describe('ActiveWorkspace', () => {
  it('remembers the choice per API URL', async () => {
    const { active, env } = make();
    await active.set({ id: 'w1', name: 'One' });
    env.apiUrl = 'http://127.0.0.1:9001';
    assert.equal(active.id(), undefined);
    await active.set({ id: 'w2', name: 'Two' });
    env.apiUrl = 'http://127.0.0.1:9000/';
    assert.equal(active.id(), 'w1');
    env.apiUrl = 'HTTP://LOCALHOST:9000';
    await active.set({ id: 'w3', name: 'Three' });
    env.apiUrl = 'http://localhost:9000/';
    assert.equal(active.id(), 'w3');
  });

  it('survives a restart (reads global state, not memory)', async () => {
    const { active, state } = make();
    await active.set({ id: 'w1', name: 'One' });
    const again = new ActiveWorkspace(state, () => 'http://127.0.0.1:9000', () => 'u1');
    assert.deepEqual(again.current, { id: 'w1', name: 'One', accountId: 'u1' });
  });

  it('is not sent for another account or when signed out', async () => {
    const { active, env } = make();
    await active.set({ id: 'w1', name: 'One' });
    env.account = 'u2';
    assert.equal(active.id(), undefined);
    env.account = undefined;
    assert.equal(active.id(), undefined);
  });

  it('forgets a workspace the user no longer belongs to and follows renames', async () => {
    const { active } = make();
    await active.set({ id: 'w1', name: 'One' });
    assert.equal(await active.reconcile([{ id: 'w1', name: 'Uno' }]), true);
    assert.equal(active.current?.name, 'Uno');
    assert.equal(await active.reconcile([{ id: 'w1', name: 'Uno' }]), false);
    assert.equal(await active.reconcile([{ id: 'w9', name: 'Other' }]), true);
    assert.equal(active.id(), undefined);
  });

  it('ignores corrupt stored data', () => {
    const { active, state } = make();
    state.data.set(ACTIVE_WORKSPACE_KEY, { 'http://127.0.0.1:9000': { id: 42 } });
    assert.equal(active.id(), undefined);
    state.data.set(ACTIVE_WORKSPACE_KEY, 'garbage');
    assert.equal(active.id(), undefined);
  });

  it('notifies listeners on change', async () => {
    const { active } = make();
    let calls = 0;
    const sub = active.onDidChange(() => calls++);
    await active.set({ id: 'w1', name: 'One' });
    sub.dispose();
    await active.set(undefined);
    assert.equal(calls, 1);
  });
});
