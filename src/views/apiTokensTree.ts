import * as vscode from 'vscode';
import { ModboxError } from '../api/errors';
import { loadFailedText } from './errorText';
import { SessionBoundTree } from './sessionTree';
import { tokenText, tokenTooltip, sortTokensNewestFirst, type TokenFields } from './tokenText';
import {
  inertMarkdown, loadingNode, messageTreeItem, rowsForState, type MessageNode, type TreeDeps,
} from './treeCommon';
import { viewsClient } from './viewsClient';

export const API_TOKENS_VIEW_ID = 'modbox.apiTokens';
/** True when the list loaded and is empty: shows the "Create API token" welcome. */
export const API_TOKENS_EMPTY_CONTEXT = 'modbox.apiTokens.empty';

export interface ApiTokenNode {
  readonly kind: 'apiToken';
  readonly token: TokenFields;
}

export type ApiTokensTreeNode = ApiTokenNode | MessageNode;

/** The API Tokens view: the user's tokens, newest first. The token values themselves are never here. */
export class ApiTokensTreeProvider extends SessionBoundTree<readonly TokenFields[], ApiTokensTreeNode>
  implements vscode.TreeDataProvider<ApiTokensTreeNode> {
  /** One `now` per render, so 5,000 rows cost one clock read and agree with each other. */
  private renderNow = 0;
  private lastEmpty: boolean | undefined;

  /** @param terminalTokenId the terminal token's id, marked in its row */
  constructor(deps: TreeDeps, private readonly terminalTokenId: () => string | undefined = () => undefined) {
    super(API_TOKENS_VIEW_ID, deps, 'API tokens');
  }

  /** Redraws the rows without reloading (the terminal token changed). */
  redraw(): void {
    this.changeEmitter.fire();
  }

  protected async fetch(): Promise<readonly TokenFields[]> {
    if (this.deps.account.session?.kind === 'apiToken') {
      throw new ModboxError('forbidden', vscode.l10n.t(
        "You signed in with an API token, and API tokens can't manage API tokens. Sign in with Google, GitHub or Microsoft to manage them."));
    }
    return sortTokensNewestFirst(await viewsClient(this.deps.account).listApiTokens());
  }

  /** Drops a revoked token from the rows at once, before the reload confirms it. */
  removeLocally(id: string): void {
    this.loader.update((tokens) => tokens.filter((t) => t.id !== id));
  }

  protected override onStateChanged(): void {
    const state = this.loader.state;
    const empty = state.kind === 'loaded' && state.value.length === 0;
    if (empty !== this.lastEmpty) {
      this.lastEmpty = empty;
      this.setContext(API_TOKENS_EMPTY_CONTEXT, empty);
    }
    super.onStateChanged();
  }

  getChildren(node?: ApiTokensTreeNode): ApiTokensTreeNode[] {
    if (node) {
      return [];
    }
    if (!this.deps.account.loaded) {
      return [loadingNode()];
    }
    if (!this.deps.account.session) {
      return [];
    }
    this.loadIfStale();
    this.renderNow = this.deps.clock.now();
    const state = this.loader.state;
    const rows = (this.loader.value ?? []).map((token): ApiTokenNode => ({ kind: 'apiToken', token }));
    // Loaded and empty: no rows, so the "Create API token" welcome content shows.
    return rowsForState(state, rows, (reason) => loadFailedText('apiTokens', reason, vscode.l10n), (loaded) => loaded);
  }

  getTreeItem(node: ApiTokensTreeNode): vscode.TreeItem {
    if (node.kind === 'message') {
      return messageTreeItem(node);
    }
    const terminal = node.token.id === this.terminalTokenId();
    const text = tokenText(node.token, this.renderNow || this.deps.clock.now(), vscode.l10n, terminal);
    const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.None);
    item.description = text.description;
    item.iconPath = new vscode.ThemeIcon(terminal ? 'terminal' : 'key');
    item.contextValue = 'apiToken';
    return item;
  }

  /** The hover is built only when the user hovers. */
  resolveTreeItem(item: vscode.TreeItem, node: ApiTokensTreeNode): vscode.TreeItem {
    if (node.kind === 'apiToken') {
      item.tooltip = inertMarkdown(tokenTooltip(node.token, vscode.l10n));
    }
    return item;
  }
}
