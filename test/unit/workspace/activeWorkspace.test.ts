import * as assert from 'node:assert/strict';
import {
  ACTIVE_WORKSPACE_KEY, ActiveWorkspace, isModboxId, type FolderBinding, type FolderBindingReader, type FolderRef, type StateStore,
} from '../../../src/workspace/activeWorkspace';

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

/** Folder settings in memory: `active` plays the active editor's folder. */
class FakeBindings implements FolderBindingReader {
  readonly settings = new Map<string, string>();
  active: string | undefined;
  private readonly listeners = new Set<() => void>();
  disposed = false;

  binding(folder?: FolderRef): FolderBinding | undefined {
    const of = (uri: string): FolderBinding | undefined => {
      const id = this.settings.get(uri);
      return id ? { id, folderUri: uri, folderName: uri.replace(/^.*\//, '') } : undefined;
    };
    if (folder) {
      return of(folder.toString());
    }
    if (this.active) {
      return of(this.active);
    }
    for (const uri of this.settings.keys()) {
      const b = of(uri);
      if (b) {
        return b;
      }
    }
    return undefined;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  change(uri: string, id: string | undefined): void {
    if (id === undefined) {
      this.settings.delete(uri);
    } else {
      this.settings.set(uri, id);
    }
    this.listeners.forEach((l) => l());
  }

  focus(uri: string | undefined): void {
    this.active = uri;
    this.listeners.forEach((l) => l());
  }

  dispose(): void {
    this.disposed = true;
  }
}

const TEAM = '0b000000-0000-4000-8000-000000000002';
const MINE = '0b000000-0000-4000-8000-000000000001';
const FOREIGN = '0b000000-0000-4000-8000-0000000000ff';
const LIST = [{ id: MINE, name: 'Personal' }, { id: TEAM, name: 'Team' }];

function withFolders() {
  const state = new MemoryState();
  const env = { apiUrl: 'http://127.0.0.1:9000', account: 'u1' as string | undefined };
  const bindings = new FakeBindings();
  const active = new ActiveWorkspace(state, () => env.apiUrl, () => env.account, bindings);
  let fired = 0;
  active.onDidChange(() => fired++);
  return { active, env, bindings, fired: () => fired };
}

describe('ActiveWorkspace with folder bindings', () => {
  it('a visible folder binding takes precedence over the account-wide choice', async () => {
    const { active, bindings } = withFolders();
    await active.set({ id: MINE, name: 'Personal' });
    bindings.change('file:///a', TEAM);
    await active.reconcile(LIST);
    assert.deepEqual(active.effective(), { id: TEAM, name: 'Team', source: 'folder' });
    assert.equal(active.id(), TEAM);
    assert.equal(active.problem(), undefined);
    // The choice for all folders is kept underneath.
    assert.equal(active.current?.id, MINE);
    bindings.change('file:///a', undefined);
    assert.deepEqual(active.effective(), { id: MINE, name: 'Personal', source: 'account' });
  });

  it('never sends a bound id before the workspace list showed the account can see it', async () => {
    const { active, bindings } = withFolders();
    await active.set({ id: MINE, name: 'Personal' });
    bindings.change('file:///a', TEAM);
    assert.equal(active.id(), undefined, 'neither the unchecked binding nor the account-wide choice');
    assert.equal(active.problem()?.kind, 'checking');
    await active.reconcile(LIST);
    assert.equal(active.id(), TEAM);
  });

  it('a bound id the account cannot see is a problem, not a request: no workspace is used', async () => {
    const { active, bindings } = withFolders();
    await active.set({ id: MINE, name: 'Personal' });
    bindings.change('file:///a', FOREIGN);
    await active.reconcile(LIST);
    assert.equal(active.id(), undefined);
    assert.equal(active.effective(), undefined);
    assert.deepEqual(active.problem(), { kind: 'notVisible', id: FOREIGN, folderUri: 'file:///a', folderName: 'a' });
  });

  it('a setting that is not an id is refused, whatever the list says', async () => {
    const { active, bindings } = withFolders();
    await active.reconcile(LIST);
    for (const bad of ['../x', 'a b', 'mbx_abcdefghijklmnop', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'x'.repeat(129), '%2e']) {
      bindings.change('file:///a', bad);
      assert.equal(active.id(), undefined, bad);
      assert.equal(active.problem()?.kind, 'invalid', bad);
    }
  });

  it('checks again for another account or server: the list was theirs', async () => {
    const { active, bindings, env } = withFolders();
    bindings.change('file:///a', TEAM);
    await active.reconcile(LIST);
    assert.equal(active.id(), TEAM);
    env.account = 'u2';
    assert.equal(active.problem()?.kind, 'checking');
    env.account = 'u1';
    env.apiUrl = 'http://127.0.0.1:9001';
    assert.equal(active.problem()?.kind, 'checking');
    env.apiUrl = 'http://127.0.0.1:9000/';
    assert.equal(active.id(), TEAM);
    env.account = undefined;
    assert.equal(active.effective(), undefined);
    assert.equal(active.problem(), undefined, 'signed out: nothing to say');
    assert.equal(active.binding(), undefined);
  });

  it('follows the active editor folder, else the first bound folder; effective(folder) answers per folder', async () => {
    const { active, bindings } = withFolders();
    await active.set({ id: MINE, name: 'Personal' });
    bindings.settings.set('file:///bound', TEAM);
    await active.reconcile(LIST);
    assert.equal(active.effective()?.source, 'folder', 'no active editor: the first bound folder');
    bindings.focus('file:///free');
    assert.deepEqual(active.effective(), { id: MINE, name: 'Personal', source: 'account' }, 'the active editor is in an unbound folder');
    assert.equal(active.effective({ toString: () => 'file:///bound' })?.id, TEAM);
    assert.equal(active.effective({ toString: () => 'file:///free' })?.id, MINE);
    assert.equal(active.effective({ toString: () => 'file:///elsewhere' })?.source, 'account');
  });

  it('fires when the effective workspace changes, not on every binding event', async () => {
    const { active, bindings, fired } = withFolders();
    await active.reconcile(LIST);
    const base = fired();
    bindings.change('file:///a', TEAM);
    assert.equal(fired(), base + 1);
    bindings.focus(undefined);
    bindings.change('file:///b', MINE);
    assert.equal(fired(), base + 1, 'nothing changed for the user: the first bound folder still wins');
    bindings.change('file:///a', FOREIGN);
    assert.equal(fired(), base + 2);
  });

  it('reconcile fires when it settles a binding that was being checked', async () => {
    const { active, bindings, fired } = withFolders();
    bindings.change('file:///a', TEAM);
    const before = fired();
    assert.equal(await active.reconcile(LIST), true);
    assert.equal(fired(), before + 1);
    assert.equal(await active.reconcile(LIST), false);
    assert.equal(fired(), before + 1);
  });

  it('disposes its reader', () => {
    const { active, bindings } = withFolders();
    active.dispose();
    assert.equal(bindings.disposed, true);
  });

  it('knows a Modbox id when it sees one', () => {
    assert.equal(isModboxId(TEAM), true);
    assert.equal(isModboxId('w1'), true);
    for (const bad of ['', ' w1', 'w1/..', 'w.1', '-w', 'mbx_abcdefgh12345678', 42, undefined]) {
      assert.equal(isModboxId(bad), false, String(bad));
    }
  });
});
