import '../../support/fakeVscode';
import * as assert from 'node:assert/strict';
import type { AccountSummary } from '../../../src/auth/account';
import type { Ui } from '../../../src/ui/ui';
import { ActiveWorkspace, type BindingProblem, type FolderBinding, type FolderBindingReader } from '../../../src/workspace/activeWorkspace';
import { accountForBinding, selectAccountForBinding, WorkspaceLists } from '../../../src/workspace/bindingAccount';
import { watchBindingProblems } from '../../../src/workspace/bindingWarning';
import { FakeClock, flushMicrotasks } from '../../support/fakeClock';

const GRACES = '0b000000-0000-4000-8000-000000000004';
const SHARED = '0b000000-0000-4000-8000-000000000002';
const PERSONAL = '0b000000-0000-4000-8000-000000000001';
const session = {} as never;

const LISTS: Record<string, Array<{ id: string; name: string }>> = {
  ada: [{ id: PERSONAL, name: 'Personal' }, { id: SHARED, name: 'Engines' }],
  grace: [{ id: GRACES, name: "Grace's Workspace" }, { id: SHARED, name: 'Engines' }],
  alan: [{ id: SHARED, name: 'Engines' }],
};

function summaries(selected: string, ids = ['ada', 'grace']): AccountSummary[] {
  return ids.map((id) => ({ id, label: `${id}@example.com`, session, selected: id === selected }));
}

const notVisible = (id: string): BindingProblem => ({ kind: 'notVisible', id, folderUri: 'file:///p', folderName: 'project' });

/** Counts the lists asked for, per account. */
function lister() {
  const asked: string[] = [];
  const list = async (accountId: string) => {
    asked.push(accountId);
    return LISTS[accountId] ?? [];
  };
  return { asked, list };
}

/** An Account with the members the switch uses; `select` moves the selection like AccountService. */
function fakeAccount(selected: string, ids = ['ada', 'grace']) {
  const state = { accounts: summaries(selected, ids), selectCalls: [] as string[], listCalls: [] as string[] };
  return {
    state,
    get accounts() {
      return state.accounts;
    },
    async select(id: string) {
      state.selectCalls.push(id);
      state.accounts = summaries(id, ids);
      return true;
    },
    client(id: string) {
      return {
        listWorkspaces: async () => {
          state.listCalls.push(id);
          if (id === 'broken') {
            throw new Error('offline');
          }
          return LISTS[id] ?? [];
        },
      } as never;
    },
  };
}

class RecordingUi {
  readonly info: string[] = [];
  readonly warnings: string[] = [];
  showInformationMessage(message: string): Promise<undefined> {
    this.info.push(message);
    return Promise.resolve(undefined);
  }
  showWarningMessage(message: string): Promise<undefined> {
    this.warnings.push(message);
    return Promise.resolve(undefined);
  }
}

describe('workspace/bindingAccount', () => {
  describe('accountForBinding', () => {
    it('names the one other account that can see the bound workspace, with the name it sees', async () => {
      const { list } = lister();
      assert.deepEqual(await accountForBinding(notVisible(GRACES), summaries('ada'), list),
        { accountId: 'grace', label: 'grace@example.com', workspaceName: "Grace's Workspace" });
    });

    it('none when several other accounts or none can see it', async () => {
      const { list } = lister();
      assert.equal(await accountForBinding(notVisible(SHARED), summaries('ada', ['ada', 'grace', 'alan']), list), undefined);
      assert.equal(await accountForBinding(notVisible('0b000000-0000-4000-8000-0000000000ff'), summaries('ada'), list), undefined);
    });

    it('never picks the selected account, nor a signed-out one', async () => {
      const { list } = lister();
      const accounts = summaries('grace').map((a) => (a.id === 'ada' ? { ...a, session: undefined } : a));
      assert.equal(await accountForBinding(notVisible(SHARED), accounts, list), undefined);
    });

    it('asks nobody for other problems', async () => {
      const { asked, list } = lister();
      for (const kind of ['checking', 'invalid'] as const) {
        assert.equal(await accountForBinding({ ...notVisible(GRACES), kind }, summaries('ada'), list), undefined);
      }
      assert.deepEqual(asked, []);
    });
  });

  describe('WorkspaceLists', () => {
    it('asks each account once within the time to live, again after it', async () => {
      const clock = new FakeClock();
      const { asked, list } = lister();
      const lists = new WorkspaceLists(list, clock, 1000);
      await lists.get('ada');
      await lists.get('ada');
      await lists.get('grace');
      assert.deepEqual(asked, ['ada', 'grace']);
      await clock.advance(1000);
      await lists.get('ada');
      assert.deepEqual(asked, ['ada', 'grace', 'ada']);
    });

    it('does not keep a failed list', async () => {
      let fail = true;
      let calls = 0;
      const lists = new WorkspaceLists(async () => {
        calls++;
        if (fail) {
          throw new Error('offline');
        }
        return [];
      }, new FakeClock());
      await assert.rejects(lists.get('ada'), /offline/);
      await flushMicrotasks();
      fail = false;
      assert.deepEqual(await lists.get('ada'), []);
      assert.equal(calls, 2);
    });
  });

  describe('selectAccountForBinding', () => {
    it('selects the only account that can see the workspace and says so once, inertly', async () => {
      const account = fakeAccount('ada');
      const ui = new RecordingUi();
      const problem = { ...notVisible(GRACES), folderName: '$(alert) [x](command:modbox.signOut)' };
      const switchFor = selectAccountForBinding(account, ui as unknown as Ui, () => problem, new FakeClock());
      assert.equal(await switchFor(problem), true);
      assert.deepEqual(account.state.selectCalls, ['grace']);
      assert.equal(ui.info.length, 1);
      assert.match(ui.info[0], /^Switched to grace@example\.com: the folder '.*' is bound to the workspace 'Grace's Workspace'/);
      assert.ok(ui.info[0].includes(GRACES));
      assert.ok(!ui.info[0].includes('](command:'), ui.info[0]);
      assert.ok(!/(^|[^\\])\$\(alert\)/.test(ui.info[0]), ui.info[0]);
    });

    it('keeps the selection when several accounts can see it, or an account\'s list fails', async () => {
      const account = fakeAccount('ada', ['ada', 'grace', 'alan']);
      const switchFor = selectAccountForBinding(account, new RecordingUi() as unknown as Ui, () => notVisible(SHARED), new FakeClock());
      assert.equal(await switchFor(notVisible(SHARED)), false);
      const broken = fakeAccount('ada', ['ada', 'broken']);
      const switchBroken = selectAccountForBinding(broken, new RecordingUi() as unknown as Ui, () => notVisible(GRACES), new FakeClock());
      assert.equal(await switchBroken(notVisible(GRACES)), false);
      assert.deepEqual([...account.state.selectCalls, ...broken.state.selectCalls], []);
    });

    it('changes nothing when the user switched account or the setting changed while the lists loaded', async () => {
      const account = fakeAccount('ada', ['ada', 'grace', 'alan']);
      let current: BindingProblem | undefined = notVisible(GRACES);
      const switchFor = selectAccountForBinding(account, new RecordingUi() as unknown as Ui, () => current, new FakeClock());
      const pending = switchFor(notVisible(GRACES));
      current = notVisible(PERSONAL);
      assert.equal(await pending, false);
      current = notVisible(GRACES);
      const again = switchFor(notVisible(GRACES));
      account.state.accounts = summaries('alan', ['ada', 'grace', 'alan']);
      assert.equal(await again, false);
      assert.deepEqual(account.state.selectCalls, []);
    });

    it('asks each account\'s list once for repeated checks', async () => {
      const account = fakeAccount('ada', ['ada', 'alan']);
      const switchFor = selectAccountForBinding(account, new RecordingUi() as unknown as Ui, () => notVisible(GRACES), new FakeClock());
      await switchFor(notVisible(GRACES));
      await switchFor(notVisible(GRACES));
      assert.deepEqual(account.state.listCalls, ['alan']);
    });
  });

  describe('watchBindingProblems with an account switch', () => {
    class OneBinding implements FolderBindingReader {
      id: string | undefined;
      private readonly listeners = new Set<() => void>();
      binding(): FolderBinding | undefined {
        return this.id === undefined ? undefined : { id: this.id, folderUri: 'file:///p', folderName: 'project' };
      }
      onDidChange(listener: () => void) {
        this.listeners.add(listener);
        return { dispose: () => this.listeners.delete(listener) };
      }
      set(id: string | undefined): void {
        this.id = id;
        this.listeners.forEach((l) => l());
      }
    }

    function watched(resolve: (problem: BindingProblem) => Promise<boolean>, scope?: () => string) {
      const data = new Map<string, unknown>();
      const state = { get: <T>(k: string) => data.get(k) as T | undefined, update: async (k: string, v: unknown) => void data.set(k, v) };
      const bindings = new OneBinding();
      const active = new ActiveWorkspace(state, () => 'http://127.0.0.1:9000', () => 'ada', bindings);
      const ui = new RecordingUi();
      const seen: BindingProblem[] = [];
      const sub = watchBindingProblems(active, ui as unknown as Ui, async (p) => {
        seen.push(p);
        return resolve(p);
      }, scope);
      return { active, bindings, ui, seen, sub };
    }

    it('no warning when the switch handled it; the warning when it did not', async () => {
      const handled = watched(async () => true);
      handled.bindings.set(GRACES);
      await handled.active.reconcile(LISTS.ada);
      await flushMicrotasks();
      assert.equal(handled.seen.length, 1);
      assert.deepEqual(handled.ui.warnings, []);

      const kept = watched(async () => false);
      kept.bindings.set(GRACES);
      await kept.active.reconcile(LISTS.ada);
      await flushMicrotasks();
      assert.equal(kept.ui.warnings.length, 1);
      assert.match(kept.ui.warnings[0], /cannot see/);
      // Once per folder and id.
      await kept.active.reconcile(LISTS.ada);
      kept.active.fire();
      await flushMicrotasks();
      assert.equal(kept.seen.length, 1);
      assert.equal(kept.ui.warnings.length, 1);
    });

    it('checks again once the signed-in accounts change, not before', async () => {
      let accounts = 'ada';
      const w = watched(async () => false, () => accounts);
      w.bindings.set(GRACES);
      await w.active.reconcile(LISTS.ada);
      w.active.fire();
      await flushMicrotasks();
      assert.equal(w.seen.length, 1);
      accounts = 'ada,grace';
      w.active.fire();
      await flushMicrotasks();
      assert.equal(w.seen.length, 2);
      assert.equal(w.ui.warnings.length, 2);
    });

    it('a failing switch still warns; a problem gone meanwhile does not', async () => {
      const failing = watched(async () => {
        throw new Error('bug');
      });
      failing.bindings.set(GRACES);
      await failing.active.reconcile(LISTS.ada);
      await flushMicrotasks();
      assert.equal(failing.ui.warnings.length, 1);

      let release: (done: boolean) => void = () => undefined;
      const slow = watched(() => new Promise<boolean>((r) => (release = r)));
      slow.bindings.set(GRACES);
      await slow.active.reconcile(LISTS.ada);
      slow.bindings.set(PERSONAL);
      release(false);
      await flushMicrotasks();
      assert.deepEqual(slow.ui.warnings, []);
    });
  });
});
