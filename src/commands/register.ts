import { hostname } from 'node:os';
import * as vscode from 'vscode';
import type { Account } from '../auth/account';
import type { Logger } from '../log/logger';
import { systemClock, type Clock } from '../util/clock';
import { somethingWentWrong } from '../views/errorText';
import { createTreeViews, type ModboxTrees } from '../views/register';
import { ActiveWorkspace } from '../workspace/activeWorkspace';
import { watchBindingProblems } from '../workspace/bindingWarning';
import { selectAccountForBinding } from '../workspace/bindingAccount';
import { vscodeFolderBindings } from '../workspace/folderBindings';
import { ActiveWorkspaceStatusBar } from '../workspace/statusBar';
import { trackWorkspaceChosen } from '../workspace/workspaceChosenKey';
import { AccountStatusBar } from '../workspace/accountStatusBar';
import type { CommandEnv } from './env';
import { vscodeUi, type Ui } from '../ui/ui';
import { SANDBOX_DETAILS_SCHEME, SandboxDetailsDocuments } from './sandboxDetails';
import type { TerminalFeature } from '../terminal/terminalFeature';
import { commandsLoader } from './loader';

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
  /** Terminal credentials: the token for commands, the mark in the API tokens view, "Open Terminal Signed In". */
  terminal?: TerminalFeature;
  /** Where dist/commands.js is (the command implementations, loaded on first use). */
  extensionPath: string;
}

/** An ActiveWorkspace bound to an account and the folders' `modbox.workspace` settings, for callers that need it before the views exist. */
export function createActiveWorkspace(globalState: vscode.Memento, account: () => Account | undefined): ActiveWorkspace {
  return new ActiveWorkspace(globalState, () => account()?.apiUrl ?? '', () => account()?.session?.account.id, vscodeFolderBindings());
}

/**
 * Creates the Workspaces and API Tokens views, the active-workspace status
 * bar item, and registers the view commands (the account commands are in
 * ./account). Everything is disposed with the extension context.
 */
/** The views' providers and the active workspace, for the test hooks. */
export interface ModboxViews extends ModboxTrees {
  readonly activeWorkspace: ActiveWorkspace;
  readonly statusBar: ActiveWorkspaceStatusBar;
  /** Follows an `/open` deep link (its query); the URI router calls it. */
  openLink(query: string): Promise<void>;
}

export function registerViewCommands(context: vscode.ExtensionContext, deps: ViewCommandDeps): ModboxViews {
  const clock = deps.clock ?? systemClock;
  const activeWorkspace = deps.activeWorkspace ?? createActiveWorkspace(deps.globalState, () => deps.account);
  const terminal = deps.terminal;
  const load = commandsLoader(deps.extensionPath);
  const trees = createTreeViews({
    account: deps.account, log: deps.log, clock, activeWorkspace, globalState: deps.globalState, terminalTokenId: () => terminal?.credentials.tokenId(),
  });
  const sandboxDetails = new SandboxDetailsDocuments();
  const statusBar = new ActiveWorkspaceStatusBar(deps.account, activeWorkspace);
  // A folder binding is used only once the workspace list shows the account can see it: load the list when one waits.
  const checkBinding = (): void => {
    if (deps.account.session && activeWorkspace.problem()?.kind === 'checking') {
      void trees.workspaces.ensureLoaded();
    }
  };
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
    sandboxes: trees.sandboxes,
    sandboxDetails,
    ...(terminal ? {
      terminalToken: () => terminal.credentials.ensureToken(),
      terminalTokenRevoked: (id: string) => terminal.tokenRevokedByUser(id),
    } : {}),
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

  const openLink = guarded('Open link', (query) => load().openDeepLink(env, String(query), trees.sandboxes));

  context.subscriptions.push(
    trees,
    statusBar,
    activeWorkspace,
    // A folder bound to a workspace only another signed-in account can see shows that account.
    watchBindingProblems(
      activeWorkspace, env.ui, selectAccountForBinding(deps.account, env.ui, () => activeWorkspace.problem(), clock),
      () => deps.account.accounts.filter((a) => a.session).map((a) => a.id).sort().join(),
    ),
    trackWorkspaceChosen(activeWorkspace, (listener) => deps.account.onDidChangeSession(listener)),
    activeWorkspace.onDidChange(checkBinding),
    deps.account.onDidChangeSession(checkBinding),
    vscode.commands.registerCommand('modbox.copySandboxLink', guarded('Copy sandbox link', (arg) => load().copySandboxLink(env, arg))),
    accountStatusBar,
    vscode.commands.registerCommand('modbox.refresh', guarded('Refresh', () => trees.refresh())),
    vscode.commands.registerCommand('modbox.createApiToken', guarded('Create API token', () => load().createApiToken(env))),
    vscode.commands.registerCommand('modbox.revokeApiToken', guarded('Revoke API token', (arg) => load().revokeApiToken(env, arg))),
    vscode.commands.registerCommand('modbox.copyWorkspaceId', guarded('Copy workspace ID', (arg) => load().copyWorkspaceId(env, arg))),
    vscode.commands.registerCommand('modbox.selectWorkspace', guarded('Select workspace', (arg) => load().selectWorkspace(env, arg))),
    vscode.commands.registerCommand('modbox.openDashboard', guarded('Open dashboard', () => load().openDashboard(env, 'home'))),
    vscode.commands.registerCommand('modbox.openApiTokensPage', guarded('Open API tokens page', () => load().openDashboard(env, 'apiTokens'))),
    sandboxDetails,
    vscode.workspace.registerTextDocumentContentProvider(SANDBOX_DETAILS_SCHEME, sandboxDetails),
    vscode.commands.registerCommand('modbox.createSandbox', guarded('Create sandbox', () => load().createSandbox(env))),
    vscode.commands.registerCommand('modbox.openSandbox', guarded('Open sandbox', (arg) => load().openSandbox(env, arg))),
    vscode.commands.registerCommand('modbox.copySandboxId', guarded('Copy sandbox ID', (arg) => load().copySandboxId(env, arg))),
    vscode.commands.registerCommand('modbox.copySandboxUrl', guarded('Copy sandbox URL', (arg) => load().copySandboxUrl(env, arg))),
    vscode.commands.registerCommand('modbox.showSandboxDetails', guarded('Show sandbox details', (arg) => load().showSandboxDetails(env, arg))),
    vscode.commands.registerCommand('modbox.destroySandbox', guarded('Destroy sandbox', (arg, selection) => load().destroySandbox(env, arg, selection))),
    vscode.commands.registerCommand('modbox.filterSandboxes', guarded('Filter sandboxes', (arg) => load().filterSandboxes(env, arg))),
    vscode.commands.registerCommand('modbox.showAllSandboxes', guarded('Show all sandboxes', () => load().filterSandboxes(env, 'all'))),
    vscode.commands.registerCommand('modbox.showRunningSandboxes', guarded('Show running sandboxes', () => load().filterSandboxes(env, 'running'))),
    vscode.commands.registerCommand('modbox.writeEnvFile', guarded('Write credentials to .env', () => load().writeEnvFile(env))),
    vscode.commands.registerCommand('modbox.switchAccount', guarded('Switch account', () => load().switchAccount(env))),
  );
  checkBinding();
  if (terminal) {
    context.subscriptions.push(
      terminal.credentials.onDidChange(() => trees.apiTokens.redraw()),
      vscode.commands.registerCommand('modbox.openTerminal', guarded('Open terminal signed in', async () => void await load().openSignedInTerminal(env, terminal))),
    );
  }
  return {
    workspaces: trees.workspaces, apiTokens: trees.apiTokens, sandboxes: trees.sandboxes, refresh: () => trees.refresh(), dispose: () => trees.dispose(), activeWorkspace,
    statusBar, openLink: (query) => openLink(query),
  };
}
