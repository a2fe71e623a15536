import { hostname } from 'node:os';
import * as vscode from 'vscode';
import type { Account } from '../auth/account';
import type { Logger } from '../log/logger';
import { systemClock, type Clock } from '../util/clock';
import { API_TOKENS_VIEW_ID, ApiTokensTreeProvider } from '../views/apiTokensTree';
import { WORKSPACES_VIEW_ID, WorkspacesTreeProvider } from '../views/workspacesTree';
import { ActiveWorkspace } from '../workspace/activeWorkspace';
import { ActiveWorkspaceStatusBar } from '../workspace/statusBar';
import { createApiToken, revokeApiToken } from './apiTokenCommands';
import type { CommandEnv } from './env';
import { vscodeUi, type Ui } from '../ui/ui';
import { copyWorkspaceId, openDashboard, selectWorkspace } from './workspaceCommands';

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

export interface ModboxViews extends vscode.Disposable {
  /** The id to send as X-Workspace-Id, or undefined. Cheap; call it per request. */
  activeWorkspaceId(): string | undefined;
  readonly activeWorkspace: ActiveWorkspace;
  readonly workspaces: WorkspacesTreeProvider;
  readonly apiTokens: ApiTokensTreeProvider;
  /** Reloads both views. */
  refresh(): Promise<void>;
}

/** Command ids registered here (the lead registers modbox.signIn / modbox.signOut / modbox.showLog). */
export const VIEW_COMMANDS = [
  'modbox.refresh', 'modbox.createApiToken', 'modbox.revokeApiToken', 'modbox.copyWorkspaceId',
  'modbox.selectWorkspace', 'modbox.openDashboard', 'modbox.openApiTokensPage',
] as const;

/** An ActiveWorkspace bound to an account, for callers that need it before the views exist. */
export function createActiveWorkspace(globalState: vscode.Memento, account: () => Account | undefined): ActiveWorkspace {
  return new ActiveWorkspace(globalState, () => account()?.apiUrl ?? '', () => account()?.session?.account.id);
}

/**
 * Creates the Workspaces and API Tokens views, the active-workspace status
 * bar item, and registers the view commands. Everything is disposed with the
 * extension context.
 */
export function registerViewCommands(context: vscode.ExtensionContext, deps: ViewCommandDeps): ModboxViews {
  const clock = deps.clock ?? systemClock;
  const activeWorkspace = deps.activeWorkspace ?? createActiveWorkspace(deps.globalState, () => deps.account);
  const treeDeps = { account: deps.account, log: deps.log, clock };
  const workspaces = new WorkspacesTreeProvider({ ...treeDeps, activeWorkspace });
  const apiTokens = new ApiTokensTreeProvider(treeDeps);
  const statusBar = new ActiveWorkspaceStatusBar(deps.account, activeWorkspace);

  const env: CommandEnv = {
    account: deps.account,
    log: deps.log,
    ui: deps.ui ?? vscodeUi,
    clock,
    apiTokens,
    workspaces,
    activeWorkspace,
    // Asked only when a token is created: hostname() is a system call activation need not make.
    get machineName() {
      return deps.machineName ?? hostname();
    },
    dashboardUrl: deps.dashboardUrl,
  };
  const refresh = async () => {
    await Promise.all([workspaces.refresh(), apiTokens.refresh()]);
  };
  // Commands report their own failures; this only keeps a bug from becoming an unhandled rejection.
  const guarded = (name: string, run: (...args: unknown[]) => Promise<void>) => async (...args: unknown[]) => {
    try {
      await run(...args);
    } catch (err) {
      deps.log.error(`${name} failed unexpectedly.`, err);
      void env.ui.showErrorMessage(vscode.l10n.t('Something went wrong. See the Modbox log for details.'), {});
    }
  };

  const disposables: vscode.Disposable[] = [
    workspaces,
    apiTokens,
    statusBar,
    vscode.window.createTreeView(WORKSPACES_VIEW_ID, { treeDataProvider: workspaces, showCollapseAll: true }),
    vscode.window.createTreeView(API_TOKENS_VIEW_ID, { treeDataProvider: apiTokens }),
    vscode.commands.registerCommand('modbox.refresh', guarded('Refresh', refresh)),
    vscode.commands.registerCommand('modbox.createApiToken', guarded('Create API token', () => createApiToken(env))),
    vscode.commands.registerCommand('modbox.revokeApiToken', guarded('Revoke API token', (arg) => revokeApiToken(env, arg))),
    vscode.commands.registerCommand('modbox.copyWorkspaceId', guarded('Copy workspace ID', (arg) => copyWorkspaceId(env, arg))),
    vscode.commands.registerCommand('modbox.selectWorkspace', guarded('Select workspace', (arg) => selectWorkspace(env, arg))),
    vscode.commands.registerCommand('modbox.openDashboard', guarded('Open dashboard', () => openDashboard(env, 'home'))),
    vscode.commands.registerCommand('modbox.openApiTokensPage', guarded('Open API tokens page', () => openDashboard(env, 'apiTokens'))),
  ];
  const views: ModboxViews = {
    activeWorkspaceId: () => activeWorkspace.id(),
    activeWorkspace,
    workspaces,
    apiTokens,
    refresh,
    dispose: () => disposables.forEach((d) => d.dispose()),
  };
  context.subscriptions.push(views);
  return views;
}
