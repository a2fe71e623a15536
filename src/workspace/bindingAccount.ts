import * as vscode from 'vscode';
import type { Account, AccountSummary } from '../auth/account';
import { accountForWorkspace } from '../auth/accountForWorkspace';
import type { Ui } from '../ui/ui';
import type { Clock } from '../util/clock';
import { messageText } from '../util/untrustedText';
import type { BindingProblem } from './activeWorkspace';

type Listing = ReadonlyArray<{ readonly id: string; readonly name: string }>;

/**
 * Each account's workspace list for the binding check, asked at most once per
 * `ttlMs` per account (focus changes between bound folders would otherwise ask
 * every account each time). A failed request is not kept.
 */
export class WorkspaceLists {
  private readonly cache = new Map<string, { at: number; list: Promise<Listing> }>();

  constructor(
    private readonly fetch: (accountId: string) => Promise<Listing>,
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
  ) {}

  get(accountId: string): Promise<Listing> {
    const hit = this.cache.get(accountId);
    if (hit && this.clock.now() - hit.at < this.ttlMs) {
      return hit.list;
    }
    const list = Promise.resolve().then(() => this.fetch(accountId));
    this.cache.set(accountId, { at: this.clock.now(), list });
    list.catch(() => {
      if (this.cache.get(accountId)?.list === list) {
        this.cache.delete(accountId);
      }
    });
    return list;
  }
}

/** The account a bound folder should show, and the bound workspace's name as that account sees it. */
export interface BindingAccount {
  readonly accountId: string;
  readonly label: string;
  readonly workspaceName: string;
}

/**
 * For a binding the selected account cannot see: the one other signed-in
 * account that can. Undefined for any other problem, or when none or several
 * can (then the user's choice stands and the warning is shown).
 */
export async function accountForBinding(
  problem: BindingProblem,
  accounts: readonly AccountSummary[],
  lists: (accountId: string) => Promise<Listing>,
): Promise<BindingAccount | undefined> {
  if (problem.kind !== 'notVisible') {
    return undefined;
  }
  const others = accounts.filter((a) => !a.selected);
  const names = new Map<string, string>();
  const id = await accountForWorkspace(others, problem.id, async (accountId, workspaceId) => {
    const found = (await lists(accountId)).find((w) => w.id === workspaceId);
    if (found) {
      names.set(accountId, found.name);
    }
    return found !== undefined;
  });
  const chosen = others.find((a) => a.id === id);
  return chosen && { accountId: chosen.id, label: chosen.label, workspaceName: names.get(chosen.id) ?? problem.id };
}

/**
 * What `watchBindingProblems` asks before warning about a binding the
 * selected account cannot see: selects the only other account that can see
 * it and says so (true), or leaves things as they are (false). Nothing
 * changes if the user switched account or the setting changed meanwhile.
 */
export function selectAccountForBinding(
  account: Pick<Account, 'accounts' | 'select' | 'client'>,
  ui: Ui,
  current: () => BindingProblem | undefined,
  clock: Clock,
): (problem: BindingProblem) => Promise<boolean> {
  const lists = new WorkspaceLists((accountId) => account.client(accountId).listWorkspaces(), clock);
  const same = (a: BindingProblem | undefined, b: BindingProblem): boolean =>
    a?.kind === b.kind && a.id === b.id && a.folderUri === b.folderUri;
  return async (problem) => {
    const selectedBefore = account.accounts.find((a) => a.selected)?.id;
    const target = await accountForBinding(problem, account.accounts, (id) => lists.get(id));
    if (!target || account.accounts.find((a) => a.selected)?.id !== selectedBefore || !same(current(), problem)) {
      return false;
    }
    if (!(await account.select(target.accountId))) {
      return false;
    }
    void Promise.resolve(ui.showInformationMessage(
      vscode.l10n.t("Switched to {0}: the folder '{1}' is bound to the workspace '{2}' ({3}).",
        messageText(target.label), messageText(problem.folderName), messageText(target.workspaceName), messageText(problem.id)),
      {},
    )).then(undefined, () => undefined);
    return true;
  };
}
