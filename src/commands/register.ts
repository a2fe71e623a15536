import { hostname } from 'node:os';
import * as vscode from 'vscode';
import type { Account } from '../auth/account';
import type { Logger } from '../log/logger';
import { systemClock, type Clock } from '../util/clock';
import { somethingWentWrong } from '../views/errorText';
import { createTreeViews, type ModboxTrees } from '../views/register';
import { ActiveWorkspace } from '../workspace/activeWorkspace';
import { ActiveWorkspaceStatusBar } from '../workspace/statusBar';
import { AccountStatusBar } from '../workspace/accountStatusBar';
import { switchAccount } from './switchAccount';
import { createApiToken, revokeApiToken } from './apiTokens';
import { openDashboard } from './dashboard';
import type { CommandEnv } from './env';
import { vscodeUi, type Ui } from '../ui/ui';
import { copyWorkspaceId, selectWorkspace } from './workspaces';

export interface ViewCommandDeps {
  account: Account;
  log: Logger;
  globalState: vscode.Memento;
  dashboardUrl: () => string;
  /** For the default token description `vscode-<machineName>`; defaults to the host name. */
  machineName?: string;
  /** Prompts; defaults to vscode.window / vscode.env. */
  ui?: Ui;
  clock?: Clock;
  /**
   * Pass one if the API client was built before the views (it needs
   * `activeWorkspace.id()` for X-Workspace-Id); otherwise one is created.
   */
  activeWorkspace?: ActiveWorkspace;
}

/** An ActiveWorkspace bound to an account, for callers that need it before the views exist. */
export function createActiveWorkspace(globalState: vscode.Memento, account: () => Account | undefined): ActiveWorkspace {
  return new ActiveWorkspace(globalState, () => account()?.apiUrl ?? '', () => account()?.session?.account.id);
}

/**
 * Creates the Workspaces and API Tokens views, the active-workspace status
 * bar item, and registers the view commands (the account commands are in
 * ./account). Everything is disposed with the extension context.
 */
/** The views' providers and the active workspace, for the test hooks. */
export interface ModboxViews extends ModboxTrees {
  readonly activeWorkspace: ActiveWorkspace;
}

export function registerViewCommands(context: vscode.ExtensionContext, deps: ViewCommandDeps): ModboxViews {
  const clock = deps.clock ?? systemClock;
  const activeWorkspace = deps.activeWorkspace ?? createActiveWorkspace(deps.globalState, () => deps.account);
  const trees = createTreeViews({ account: deps.account, log: deps.log, clock, activeWorkspace });
  const statusBar = new ActiveWorkspaceStatusBar(deps.account, activeWorkspace);
  const accountStatusBar = new AccountStatusBar(deps.account);

  const env: CommandEnv = {
    account: deps.account,
    log: deps.log,
    ui: deps.ui ?? vscodeUi,
    clock,
    apiTokens: trees.apiTokens,
    workspaces: trees.workspaces,
    activeWorkspace,
    // Asked only when a token is created: hostname() is a system call activation need not make.
    get machineName() {
      return deps.machineName ?? hostname();
    },
    dashboardUrl: deps.dashboardUrl,
  };
  // Commands report their own failures; this only keeps a bug from becoming an unhandled rejection.
  const guarded = (name: string, run: (...args: unknown[]) => Promise<void>) => async (...args: unknown[]) => {
    try {
      await run(...args);
    } catch (err) {
      deps.log.error(`${name} failed unexpectedly.`, err);
      void env.ui.showErrorMessage(somethingWentWrong(vscode.l10n), {});
    }
  };

  context.subscriptions.push(
    trees,
    statusBar,
    accountStatusBar,
    vscode.commands.registerCommand('modbox.refresh', guarded('Refresh', () => trees.refresh())),
    vscode.commands.registerCommand('modbox.createApiToken', guarded('Create API token', () => createApiToken(env))),
    vscode.commands.registerCommand('modbox.revokeApiToken', guarded('Revoke API token', (arg) => revokeApiToken(env, arg))),
    vscode.commands.registerCommand('modbox.copyWorkspaceId', guarded('Copy workspace ID', (arg) => copyWorkspaceId(env, arg))),
    vscode.commands.registerCommand('modbox.selectWorkspace', guarded('Select workspace', (arg) => selectWorkspace(env, arg))),
    vscode.commands.registerCommand('modbox.openDashboard', guarded('Open dashboard', () => openDashboard(env, 'home'))),
    vscode.commands.registerCommand('modbox.openApiTokensPage', guarded('Open API tokens page', () => openDashboard(env, 'apiTokens'))),
    vscode.commands.registerCommand('modbox.switchAccount', guarded('Switch account', () => switchAccount(env))),
  );
  return { workspaces: trees.workspaces, apiTokens: trees.apiTokens, refresh: () => trees.refresh(), dispose: () => trees.dispose(), activeWorkspace };
}
