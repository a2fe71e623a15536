import * as vscode from 'vscode';
import type { ActiveWorkspace } from '../workspace/activeWorkspace';
import { errorReason, loadFailedText } from './errorText';
import { SessionBoundTree } from './sessionTree';
import {
  errorNode, inertMarkdown, loadingNode, messageTreeItem, rowsForState, type MessageNode, type TreeDeps,
} from './treeCommon';
import { viewsClient } from './viewsClient';
import { memberText, workspaceText, type MemberFields, type WorkspaceFields } from './workspaceText';

export const WORKSPACES_VIEW_ID = 'modbox.workspaces';

export interface WorkspaceNode {
  readonly kind: 'workspace';
  readonly workspace: WorkspaceFields;
}

export interface MemberNode {
  readonly kind: 'member';
  readonly workspaceId: string;
  readonly member: MemberFields;
}

export type WorkspacesTreeNode = WorkspaceNode | MemberNode | MessageNode;

type MembersResult = { members: readonly MemberFields[] } | { error: unknown };

export interface WorkspacesTreeDeps extends TreeDeps {
  activeWorkspace: ActiveWorkspace;
}

/**
 * The Workspaces view: the user's workspaces with their role, the active one
 * marked; expanding one loads its members.
 */
export class WorkspacesTreeProvider extends SessionBoundTree<readonly WorkspaceFields[], WorkspacesTreeNode>
  implements vscode.TreeDataProvider<WorkspacesTreeNode> {
  /** Member lists by workspace id, for the current epoch; failures are not kept, so expanding again retries. */
  private members = new Map<string, Promise<MembersResult>>();

  constructor(private readonly wsDeps: WorkspacesTreeDeps) {
    super(WORKSPACES_VIEW_ID, wsDeps, 'workspaces');
    // Re-render (no request) so the check mark follows the choice.
    this.activeSubscription = wsDeps.activeWorkspace.onDidChange(() => this.changeEmitter.fire());
  }

  private readonly activeSubscription: { dispose(): void };

  protected async fetch(key: string | undefined): Promise<readonly WorkspaceFields[]> {
    const list = await viewsClient(this.deps.account).listWorkspaces();
    if (this.isCurrent(key)) {
      await this.wsDeps.activeWorkspace.reconcile(list);
    }
    return list;
  }

  protected override beforeReload(): void {
    this.members = new Map();
  }

  getChildren(node?: WorkspacesTreeNode): vscode.ProviderResult<WorkspacesTreeNode[]> {
    if (!node) {
      return this.rootChildren();
    }
    if (node.kind === 'workspace') {
      return this.memberChildren(node.workspace.id);
    }
    return [];
  }

  getTreeItem(node: WorkspacesTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'message':
        return messageTreeItem(node);
      case 'member': {
        const text = memberText(node.member, vscode.l10n);
        const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.None);
        item.description = text.description;
        item.tooltip = inertMarkdown(text.tooltip);
        item.iconPath = new vscode.ThemeIcon('person');
        item.contextValue = 'member';
        return item;
      }
      case 'workspace': {
        const active = this.wsDeps.activeWorkspace.id() === node.workspace.id;
        const text = workspaceText(node.workspace, active, vscode.l10n);
        const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = text.description;
        item.tooltip = inertMarkdown(text.tooltip);
        item.iconPath = new vscode.ThemeIcon(active ? 'pass-filled' : 'organization');
        item.contextValue = active ? 'workspace.active' : 'workspace';
        return item;
      }
    }
  }

  private rootChildren(): WorkspacesTreeNode[] {
    if (!this.deps.account.loaded) {
      return [loadingNode()];
    }
    if (!this.deps.account.session) {
      // Empty, so the signed-out welcome content shows.
      return [];
    }
    this.loadIfStale();
    const state = this.loader.state;
    const rows = (this.loader.value ?? []).map((workspace): WorkspaceNode => ({ kind: 'workspace', workspace }));
    return rowsForState(state, rows, (reason) => loadFailedText('workspaces', reason, vscode.l10n), (loaded) =>
      loaded.length ? loaded : [{ kind: 'message', label: vscode.l10n.t('No workspaces yet.'), icon: 'info', contextValue: 'empty' }],
    );
  }

  private async memberChildren(workspaceId: string): Promise<WorkspacesTreeNode[]> {
    const epoch = this.epoch;
    let pending = this.members.get(workspaceId);
    if (!pending) {
      const client = viewsClient(this.deps.account);
      pending = client.getWorkspace(workspaceId).then(
        (detail): MembersResult => ({ members: detail.members ?? [] }),
        (error: unknown): MembersResult => ({ error }),
      );
      this.members.set(workspaceId, pending);
    }
    const result = await this.withProgress(this.viewId, () => pending);
    if (epoch !== this.epoch) {
      return [];
    }
    if ('error' in result) {
      this.members.delete(workspaceId);
      const reason = errorReason(result.error, vscode.l10n);
      this.deps.log.warn(`Couldn't load the members of a workspace: ${reason}`);
      return [errorNode(vscode.l10n.t("Couldn't load members: {0}", reason))];
    }
    if (result.members.length === 0) {
      return [{ kind: 'message', label: vscode.l10n.t('No members.'), icon: 'info', contextValue: 'empty' }];
    }
    return result.members.map((member): MemberNode => ({ kind: 'member', workspaceId, member }));
  }

  override dispose(): void {
    this.activeSubscription.dispose();
    super.dispose();
  }
}
