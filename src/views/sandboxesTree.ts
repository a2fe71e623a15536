import * as vscode from 'vscode';
import type { Timer } from '../util/clock';
import { labelText } from '../util/untrustedText';
import type { ActiveWorkspace } from '../workspace/activeWorkspace';
import { bindingProblemText } from '../workspace/bindingWarning';
import { PollScheduler } from './pollScheduler';
import { sandboxesClient } from './sandboxesClient';
import {
  sandboxText, sandboxTooltip, sortSandboxesNewestFirst, statusClass, statusIcon, statusWord, type SandboxFields,
} from './sandboxesText';
import { filterSandboxes, type SandboxFilter, type SandboxFilterState, type SandboxTtls } from './sandboxState';
import { SessionBoundTree } from './sessionTree';
import {
  errorNode, inertMarkdown, loadingNode, messageTreeItem, rowsForState, type MessageNode, type TreeDeps,
} from './treeCommon';

export const SANDBOXES_VIEW_ID = 'modbox.sandboxes';
/** True when the list loaded and shows nothing: the "Create Sandbox" welcome. */
export const SANDBOXES_EMPTY_CONTEXT = 'modbox.sandboxes.empty';
/** True when signed in without an active workspace: the "pick a workspace" welcome. */
export const SANDBOXES_NO_WORKSPACE_CONTEXT = 'modbox.sandboxes.noWorkspace';
/** `running` or `all`: which filter button the view title shows. */
export const SANDBOXES_FILTER_CONTEXT = 'modbox.sandboxes.filter';

export interface SandboxNode {
  readonly kind: 'sandbox';
  readonly sandbox: SandboxFields;
  /** The workspace the row was listed from: commands act there, even if the active workspace changed since. */
  readonly workspaceId: string;
}

export type SandboxesTreeNode = SandboxNode | MessageNode;

/** One load: the workspace it was for and its sandboxes, newest first. */
export interface SandboxList {
  readonly workspaceId: string | undefined;
  readonly sandboxes: readonly SandboxFields[];
}

export interface SandboxesTreeDeps extends TreeDeps {
  activeWorkspace: ActiveWorkspace;
  filters: SandboxFilterState;
  ttls: SandboxTtls;
}

/**
 * The Sandboxes view: the sandboxes of the active workspace. While one is
 * provisioning and the view is visible it reloads itself with backoff; hidden
 * or signed out, it makes no request at all (a workspace switch while hidden
 * only marks it stale, and VS Code asks for rows when it is shown again).
 */
export class SandboxesTreeProvider extends SessionBoundTree<SandboxList, SandboxesTreeNode>
  implements vscode.TreeDataProvider<SandboxesTreeNode> {
  private readonly ready: boolean;
  private readonly poller: PollScheduler;
  private readonly contexts = new Map<string, unknown>();
  private readonly ownSubscriptions: vscode.Disposable[] = [];
  private view: vscode.TreeView<SandboxesTreeNode> | undefined;
  private visible = false;
  /** Re-renders (no request) once a minute while "time left" is on screen. */
  private clockTimer: Timer | undefined;
  private listedWorkspace: string | undefined;
  /** One `now` per render, so rows agree with each other. */
  private renderNow = 0;
  /** The rows for one loaded value and filter, kept so `reveal` hands VS Code the very objects it was given. */
  private rowCache: { value: SandboxList | undefined; filter: SandboxFilter; nodes: SandboxNode[] } | undefined;

  constructor(private readonly sbDeps: SandboxesTreeDeps) {
    super(SANDBOXES_VIEW_ID, sbDeps, 'sandboxes');
    this.poller = new PollScheduler(sbDeps.clock, () => this.refresh());
    this.listedWorkspace = sbDeps.activeWorkspace.id();
    this.ownSubscriptions.push(sbDeps.activeWorkspace.onDidChange(() => this.workspaceChanged()));
    this.ready = true;
    this.afterChange();
  }

  /** The filter of the active workspace. */
  get filter(): SandboxFilter {
    return this.sbDeps.filters.get(this.sbDeps.activeWorkspace.id());
  }

  /** The TTLs this editor asked for (Create Sandbox records them, rows show the time left). */
  get ttls(): SandboxTtls {
    return this.sbDeps.ttls;
  }

  /** Whether a poll is scheduled or running (for tests and the bench). */
  get polling(): boolean {
    return this.poller.scheduled;
  }

  /** Whether VS Code shows the view (as far as the provider knows). */
  get isVisible(): boolean {
    return this.visible;
  }

  /** Connects the TreeView: its visibility gates polling, its description names the workspace, reveal uses it. */
  attach(view: vscode.TreeView<SandboxesTreeNode>): void {
    this.view = view;
    this.visible = view.visible;
    this.ownSubscriptions.push(view.onDidChangeVisibility((e) => {
      this.visible = e.visible;
      this.afterChange();
    }));
    this.afterChange();
  }

  /** Reloads now if the view is visible; otherwise marks it stale, so the load happens when it is shown. */
  reloadWhenShown(): Promise<void> {
    if (this.visible || !this.deps.account.session) {
      return this.refresh();
    }
    this.epoch++;
    this.loader.clear('stale');
    return Promise.resolve();
  }

  async setFilter(filter: SandboxFilter): Promise<void> {
    const workspaceId = this.sbDeps.activeWorkspace.id();
    if (!workspaceId) {
      return;
    }
    await this.sbDeps.filters.set(workspaceId, filter);
    this.changeEmitter.fire();
    this.afterChange();
  }

  /** Drops rows at once (after a destroy), before the reload confirms it. */
  removeLocally(sandboxIds: readonly string[]): void {
    const gone = new Set(sandboxIds);
    this.loader.update((list) => ({ ...list, sandboxes: list.sandboxes.filter((s) => !gone.has(s.id)) }));
  }

  /** The rows shown now (after the filter). */
  get rows(): readonly SandboxNode[] {
    return this.currentNodes();
  }

  /**
   * Shows and selects a sandbox of the active workspace (for deep links).
   * A destroyed one hidden by the filter makes the view show all. Resolves
   * false when the active workspace has no such sandbox.
   */
  async reveal(sandboxId: string): Promise<boolean> {
    if (!this.deps.account.session || !this.sbDeps.activeWorkspace.id()) {
      return false;
    }
    const list = await this.ensureLoaded();
    if (!list?.sandboxes.some((s) => s.id === sandboxId)) {
      return false;
    }
    let node = this.currentNodes().find((n) => n.sandbox.id === sandboxId);
    if (!node) {
      await this.setFilter('all');
      node = this.currentNodes().find((n) => n.sandbox.id === sandboxId);
    }
    if (!node) {
      return false;
    }
    await this.view?.reveal(node, { select: true, focus: true });
    return true;
  }

  protected async fetch(): Promise<SandboxList> {
    const workspaceId = this.sbDeps.activeWorkspace.id();
    if (!workspaceId) {
      return { workspaceId: undefined, sandboxes: [] };
    }
    const sandboxes = await sandboxesClient(this.deps.account).listSandboxes(workspaceId);
    return { workspaceId, sandboxes: sortSandboxesNewestFirst(sandboxes) };
  }

  protected override onStateChanged(): void {
    super.onStateChanged();
    if (this.ready) {
      this.afterChange();
    }
  }

  getChildren(node?: SandboxesTreeNode): SandboxesTreeNode[] {
    if (node) {
      return [];
    }
    if (!this.deps.account.loaded) {
      return [loadingNode()];
    }
    const problem = this.deps.account.session ? this.sbDeps.activeWorkspace.problem() : undefined;
    if (problem) {
      // The folder's own workspace is being checked or cannot be used: say why, and list nothing else.
      return [problem.kind === 'checking' ? loadingNode() : errorNode(bindingProblemText(problem))];
    }
    if (!this.deps.account.session || !this.sbDeps.activeWorkspace.id()) {
      // Empty, so the signed-out or "pick a workspace" welcome content shows.
      return [];
    }
    this.loadIfStale();
    this.renderNow = this.deps.clock.now();
    // Loaded and empty: no rows, so the "Create Sandbox" welcome content shows.
    return rowsForState(this.loader.state, this.currentNodes(),
      (reason) => vscode.l10n.t("Couldn't load sandboxes: {0}", reason), (loaded) => loaded);
  }

  getParent(): undefined {
    // Every row is at the top level; VS Code needs this for reveal.
    return undefined;
  }

  getTreeItem(node: SandboxesTreeNode): vscode.TreeItem {
    if (node.kind === 'message') {
      return messageTreeItem(node);
    }
    const sandbox = node.sandbox;
    const text = sandboxText(sandbox, this.sbDeps.ttls.get(sandbox.id), this.renderNow || this.deps.clock.now(), vscode.l10n);
    const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.None);
    item.id = `sandbox/${node.workspaceId}/${sandbox.id}`;
    item.description = text.description;
    const look = statusIcon(sandbox.status);
    item.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
    const status = statusClass(sandbox.status);
    item.contextValue = `sandbox.${status}${sandbox.sandboxUrl ? '.url' : ''}`;
    item.accessibilityInformation = { label: `${text.label}, ${statusWord(sandbox.status, vscode.l10n)}` };
    if (status === 'running' && sandbox.sandboxUrl) {
      item.command = { command: 'modbox.openSandbox', title: vscode.l10n.t('Open Sandbox'), arguments: [node] };
    }
    return item;
  }

  /** The hover is built only when the user hovers. */
  resolveTreeItem(item: vscode.TreeItem, node: SandboxesTreeNode): vscode.TreeItem {
    if (node.kind === 'sandbox') {
      item.tooltip = inertMarkdown(sandboxTooltip(
        node.sandbox, this.sbDeps.ttls.get(node.sandbox.id), this.deps.clock.now(), this.workspaceName(node.workspaceId), vscode.l10n));
    }
    return item;
  }

  /** The name of a workspace when it is the one in use (a folder's or the account-wide choice), else its id. */
  workspaceName(workspaceId: string): string {
    const current = this.sbDeps.activeWorkspace.effective();
    return current?.id === workspaceId && current.name ? current.name : workspaceId;
  }

  override dispose(): void {
    this.poller.dispose();
    this.clockTimer?.cancel();
    this.ownSubscriptions.forEach((s) => s.dispose());
    super.dispose();
  }

  private currentNodes(): SandboxNode[] {
    const value = this.loader.value;
    const filter = this.filter;
    if (this.rowCache && this.rowCache.value === value && this.rowCache.filter === filter) {
      return this.rowCache.nodes;
    }
    const workspaceId = value?.workspaceId;
    const nodes = value && workspaceId
      ? filterSandboxes(value.sandboxes, filter).map((sandbox): SandboxNode => ({ kind: 'sandbox', sandbox, workspaceId }))
      : [];
    this.rowCache = { value, filter, nodes };
    return nodes;
  }

  private workspaceChanged(): void {
    const id = this.sbDeps.activeWorkspace.id();
    if (id !== this.listedWorkspace) {
      this.listedWorkspace = id;
      this.epoch++;
      // Stale, not reloaded here: VS Code asks for the rows (and so the load) only if the view is visible.
      this.loader.clear(this.deps.account.session ? 'stale' : 'empty');
    } else {
      // Same workspace, maybe renamed: re-render the title and hovers, no request.
      this.changeEmitter.fire();
    }
    this.afterChange();
  }

  /** Context keys, the view's description and whether to poll, from the current state. */
  private afterChange(): void {
    const workspaceId = this.sbDeps.activeWorkspace.id();
    const session = this.deps.account.session;
    const state = this.loader.state;
    this.setContextOnce(SANDBOXES_NO_WORKSPACE_CONTEXT, Boolean(session) && !workspaceId);
    this.setContextOnce(SANDBOXES_FILTER_CONTEXT, this.filter);
    this.setContextOnce(SANDBOXES_EMPTY_CONTEXT,
      Boolean(session && workspaceId) && state.kind === 'loaded' && this.currentNodes().length === 0);
    if (this.view) {
      this.view.description = session && workspaceId ? labelText(this.workspaceName(workspaceId)) : undefined;
    }
    const value = this.loader.value;
    const provisioning = value !== undefined && value.workspaceId === workspaceId
      && value.sandboxes.some((s) => statusClass(s.status) === 'provisioning');
    this.poller.setActive(this.visible && Boolean(session) && provisioning);
    this.keepTimeLeftCurrent(Boolean(session && workspaceId));
  }

  private keepTimeLeftCurrent(listing: boolean): void {
    const wanted = listing && this.visible && this.currentNodes().some((n) => this.sbDeps.ttls.get(n.sandbox.id) !== undefined);
    if (!wanted) {
      this.clockTimer?.cancel();
      this.clockTimer = undefined;
    } else if (!this.clockTimer) {
      this.clockTimer = this.deps.clock.setTimeout(() => {
        this.clockTimer = undefined;
        this.changeEmitter.fire();
        this.afterChange();
      }, 60_000);
    }
  }

  private setContextOnce(key: string, value: unknown): void {
    if (this.contexts.get(key) !== value || !this.contexts.has(key)) {
      this.contexts.set(key, value);
      this.setContext(key, value);
    }
  }
}
