import * as vscode from 'vscode';

/**
 * Every prompt the view commands show, behind one seam. Production code uses
 * `vscodeUi`; integration tests pass a scripted object (answers queued per
 * method, calls recorded) so input boxes, quick picks and modals can be
 * driven inside a real VS Code without clicking.
 */
export interface Ui {
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  showInformationMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  showErrorMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  writeClipboard(text: string): Thenable<void>;
  openExternal(uri: vscode.Uri): Thenable<boolean>;
}

export const vscodeUi: Ui = {
  showInputBox: (options) => vscode.window.showInputBox(options),
  showQuickPick: (items, options) => vscode.window.showQuickPick(items, options),
  showInformationMessage: (message, options, ...items) => vscode.window.showInformationMessage(message, options, ...items),
  showWarningMessage: (message, options, ...items) => vscode.window.showWarningMessage(message, options, ...items),
  showErrorMessage: (message, options, ...items) => vscode.window.showErrorMessage(message, options, ...items),
  writeClipboard: (text) => vscode.env.clipboard.writeText(text),
  openExternal: (uri) => vscode.env.openExternal(uri),
};
