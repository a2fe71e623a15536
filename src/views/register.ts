import * as vscode from 'vscode';
import type { Account } from '../auth/account';
import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import type { ActiveWorkspace } from '../workspace/activeWorkspace';
import { API_TOKENS_VIEW_ID, ApiTokensTreeProvider } from './apiTokensTree';
import { SANDBOXES_VIEW_ID, SandboxesTreeProvider } from './sandboxesTree';
import { SandboxFilterState, SandboxTtls } from './sandboxState';
import { WORKSPACES_VIEW_ID, WorkspacesTreeProvider } from './workspacesTree';

export interface ModboxTrees extends vscode.Disposable {
  readonly workspaces: WorkspacesTreeProvider;
  readonly apiTokens: ApiTokensTreeProvider;
  readonly sandboxes: SandboxesTreeProvider;
  /** Reloads all three views. */
  refresh(): Promise<void>;
}

/** Creates the Workspaces and API Tokens views and their providers; disposing removes both. */
export function createTreeViews(deps: { account: Account; log: Logger; clock: Clock; activeWorkspace: ActiveWorkspace; globalState: vscode.Memento }): ModboxTrees {
  const treeDeps = { account: deps.account, log: deps.log, clock: deps.clock };
  const workspaces = new WorkspacesTreeProvider({ ...treeDeps, activeWorkspace: deps.activeWorkspace });
  const apiTokens = new ApiTokensTreeProvider(treeDeps);
  const sandboxes = new SandboxesTreeProvider({
    ...treeDeps,
    activeWorkspace: deps.activeWorkspace,
    filters: new SandboxFilterState(deps.globalState),
    ttls: new SandboxTtls(deps.globalState, () => deps.clock.now()),
  });
  const sandboxesView = vscode.window.createTreeView(SANDBOXES_VIEW_ID, { treeDataProvider: sandboxes, canSelectMany: true });
  sandboxes.attach(sandboxesView);
  const disposables: vscode.Disposable[] = [
    workspaces,
    apiTokens,
    vscode.window.createTreeView(WORKSPACES_VIEW_ID, { treeDataProvider: workspaces, showCollapseAll: true }),
    vscode.window.createTreeView(API_TOKENS_VIEW_ID, { treeDataProvider: apiTokens }),
    sandboxes,
    sandboxesView,
  ];
  return {
    workspaces,
    apiTokens,
    sandboxes,
    refresh: async () => {
      await Promise.all([workspaces.refresh(), apiTokens.refresh(), sandboxes.reloadWhenShown()]);
    },
    dispose: () => disposables.forEach((d) => d.dispose()),
  };
}
