import * as vscode from 'vscode';

/**
 * Every prompt the extension shows, behind one seam: commands, views and
 * sign-in all ask through a `Ui`. Production code uses `vscodeUi`;
 * integration tests swap in a scripted object (answers queued per method,
 * calls recorded) so input boxes, quick picks and messages can be driven
 * inside a real VS Code without clicking.
 */
export interface Ui {
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  showInformationMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  showErrorMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  writeClipboard(text: string): Thenable<void>;
  openExternal(uri: vscode.Uri): Thenable<boolean>;
  /** A progress notification; optional, so a test's Ui can press Cancel (vscode.window.withProgress otherwise). */
  withProgress?<R>(options: vscode.ProgressOptions, task: ProgressTask<R>): Thenable<R>;
}

export type ProgressTask<R> = (
  progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>;

export const vscodeUi: Ui = {
  showInputBox: (options) => vscode.window.showInputBox(options),
  showQuickPick: (items, options) => vscode.window.showQuickPick(items, options),
  showInformationMessage: (message, options, ...items) => vscode.window.showInformationMessage(message, options, ...items),
  showWarningMessage: (message, options, ...items) => vscode.window.showWarningMessage(message, options, ...items),
  showErrorMessage: (message, options, ...items) => vscode.window.showErrorMessage(message, options, ...items),
  writeClipboard: (text) => vscode.env.clipboard.writeText(text),
  openExternal: (uri) => vscode.env.openExternal(uri),
  withProgress: (options, task) => vscode.window.withProgress(options, task),
};

/** A Ui that forwards every call to whichever Ui is current. */
export interface SwappableUi extends Ui {
  /** Makes `ui` current; undefined restores `vscodeUi`. */
  use(ui: Ui | undefined): void;
}

/** The extension builds one of these and hands it to everything that shows a prompt, so tests can swap what answers. */
export function swappableUi(): SwappableUi {
  let current: Ui = vscodeUi;
  return {
    use: (ui) => (current = ui ?? vscodeUi),
    showInputBox: (options) => current.showInputBox(options),
    showQuickPick: (items, options) => current.showQuickPick(items, options),
    showInformationMessage: (message, options, ...items) => current.showInformationMessage(message, options, ...items),
    showWarningMessage: (message, options, ...items) => current.showWarningMessage(message, options, ...items),
    showErrorMessage: (message, options, ...items) => current.showErrorMessage(message, options, ...items),
    writeClipboard: (text) => current.writeClipboard(text),
    openExternal: (uri) => current.openExternal(uri),
    withProgress: (options, task) => (current.withProgress ? current.withProgress(options, task) : vscode.window.withProgress(options, task)),
  };
}
