import * as vscode from 'vscode';
import type { Account } from '../auth/account';
import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import type { ActiveWorkspace } from '../workspace/activeWorkspace';
import { API_TOKENS_VIEW_ID, ApiTokensTreeProvider } from './apiTokensTree';
import { WORKSPACES_VIEW_ID, WorkspacesTreeProvider } from './workspacesTree';

export interface ModboxTrees extends vscode.Disposable {
  readonly workspaces: WorkspacesTreeProvider;
  readonly apiTokens: ApiTokensTreeProvider;
  /** Reloads both views. */
  refresh(): Promise<void>;
}

/** Creates the Workspaces and API Tokens views and their providers; disposing removes both. */
export function createTreeViews(deps: {
  account: Account; log: Logger; clock: Clock; activeWorkspace: ActiveWorkspace;
  /** The terminal token's id, marked in the API tokens view. */
  terminalTokenId?: () => string | undefined;
}): ModboxTrees {
  const treeDeps = { account: deps.account, log: deps.log, clock: deps.clock };
  const workspaces = new WorkspacesTreeProvider({ ...treeDeps, activeWorkspace: deps.activeWorkspace });
  const apiTokens = new ApiTokensTreeProvider(treeDeps, deps.terminalTokenId);
  const disposables: vscode.Disposable[] = [
    workspaces,
    apiTokens,
    vscode.window.createTreeView(WORKSPACES_VIEW_ID, { treeDataProvider: workspaces, showCollapseAll: true }),
    vscode.window.createTreeView(API_TOKENS_VIEW_ID, { treeDataProvider: apiTokens }),
  ];
  return {
    workspaces,
    apiTokens,
    refresh: async () => {
      await Promise.all([workspaces.refresh(), apiTokens.refresh()]);
    },
    dispose: () => disposables.forEach((d) => d.dispose()),
  };
}
