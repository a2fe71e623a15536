import * as vscode from 'vscode';
import type { Account } from '../auth/account';
import type { Logger } from '../log/logger';
import type { Clock } from '../util/clock';
import { busyText, errorReason } from './errorText';
import type { LoadState } from './loader';

/** A row that is not data: loading, waiting, empty, or an error with Retry. */
export interface MessageNode {
  readonly kind: 'message';
  readonly label: string;
  readonly icon: string;
  /** Menus target these: `loading`, `busy`, `empty`, `error`. */
  readonly contextValue: 'loading' | 'busy' | 'empty' | 'error' | 'signInNeeded';
  readonly command?: vscode.Command;
}

export interface TreeDeps {
  account: Account;
  log: Logger;
  clock: Clock;
  /** Sets a context key; defaults to the `setContext` command. Tests pass their own. */
  setContext?: (key: string, value: unknown) => void;
  /** Wraps loads in view progress; defaults to `vscode.window.withProgress` on the view. */
  withViewProgress?: <T>(viewId: string, task: () => Promise<T>) => Promise<T>;
}

export function defaultSetContext(key: string, value: unknown): void {
  void vscode.commands.executeCommand('setContext', key, value);
}

export function viewProgress<T>(viewId: string, task: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: { viewId } }, task));
}

/**
 * The tooltip surface for untrusted text: `value` is Markdown whose server
 * text went through markdownText (src/util/untrustedText.ts); the result is
 * not trusted (no command links) and renders no HTML or theme icons.
 */
export function inertMarkdown(value: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(value, false);
  md.supportThemeIcons = false;
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

function retryCommand(): vscode.Command {
  return { command: 'modbox.refresh', title: vscode.l10n.t('Retry') };
}

export function loadingNode(): MessageNode {
  return { kind: 'message', label: vscode.l10n.t('Loading…'), icon: 'loading~spin', contextValue: 'loading' };
}

function busyNode(retryInMs: number): MessageNode {
  return {
    kind: 'message',
    label: busyText(retryInMs, vscode.l10n),
    icon: 'watch',
    contextValue: 'busy',
  };
}

export function errorNode(label: string): MessageNode {
  return { kind: 'message', label, icon: 'error', contextValue: 'error', command: retryCommand() };
}

export function messageTreeItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon(node.icon);
  item.contextValue = node.contextValue;
  item.tooltip = node.command ? `${node.label}\n\n${node.command.title}` : node.label;
  item.command = node.command;
  return item;
}

/**
 * The top-level rows of a list view for its load state: a loading row
 * until there is data, a busy or error row above the data it still has, and
 * `whenLoaded` once the list arrived.
 */
export function rowsForState<N>(
  state: LoadState<unknown>,
  rows: N[],
  failedLabel: (reason: string) => string,
  whenLoaded: (rows: N[]) => (N | MessageNode)[],
): (N | MessageNode)[] {
  switch (state.kind) {
    case 'empty':
    case 'stale':
      return [loadingNode()];
    case 'loading':
      return rows.length ? rows : [loadingNode()];
    case 'waiting':
      return [busyNode(state.retryInMs), ...rows];
    case 'failed':
      return [errorNode(failedLabel(errorReason(state.error, vscode.l10n))), ...rows];
    case 'loaded':
      return whenLoaded(rows);
  }
}
