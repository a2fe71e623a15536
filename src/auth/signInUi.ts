import * as vscode from 'vscode';
import type { SsoProvider } from './session';

/**
 * The few prompts sign-in shows. A parameter rather than direct calls so that
 * integration tests can answer them; the extension passes `vscodePrompts`.
 */
export interface SignInPrompts {
  pickMethod(items: MethodItem[]): Promise<MethodItem | undefined>;
  /** Masked input; resolves undefined on Escape. */
  askSecret(options: { title: string; prompt: string; placeHolder?: string; validate(value: string): string | undefined }): Promise<string | undefined>;
  /** A non-modal message with buttons; resolves the chosen button, or undefined when dismissed. */
  offer(message: string, ...buttons: string[]): Promise<string | undefined>;
  error(message: string): void;
  /** The one "session expired" warning; resolves the chosen button. */
  warn(message: string, ...buttons: string[]): Promise<string | undefined>;
}

export interface MethodItem extends vscode.QuickPickItem {
  method: SignInMethod;
}

export type SignInMethod = SsoProvider | 'apiToken';

export const vscodePrompts: SignInPrompts = {
  async pickMethod(items) {
    return vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Sign in to Modbox'),
      placeHolder: vscode.l10n.t('Choose how to sign in'),
      ignoreFocusOut: true,
    });
  },
  async askSecret(options) {
    return vscode.window.showInputBox({
      title: options.title,
      prompt: options.prompt,
      placeHolder: options.placeHolder,
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => options.validate(value),
    });
  },
  async offer(message, ...buttons) {
    return vscode.window.showInformationMessage(message, ...buttons);
  },
  error(message) {
    void vscode.window.showErrorMessage(message);
  },
  async warn(message, ...buttons) {
    return vscode.window.showWarningMessage(message, ...buttons);
  },
};
