import * as vscode from 'vscode';
import type { Logger } from '../log/logger';
import type { Ui } from '../ui/ui';
import type { SsoProvider } from './session';

/**
 * The few prompts sign-in shows, built on the extension's one `Ui` so that
 * whatever answers the commands' prompts (a scripted Ui in the integration
 * tests) answers sign-in's too.
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
  copy(text: string): Promise<void>;
}

export interface MethodItem extends vscode.QuickPickItem {
  method: SignInMethod;
}

export type SignInMethod = SsoProvider | 'apiToken';

export function signInPrompts(ui: Ui): SignInPrompts {
  return {
    async pickMethod(items) {
      return ui.showQuickPick(items, {
        title: vscode.l10n.t('Sign in to Modbox'),
        placeHolder: vscode.l10n.t('Choose how to sign in'),
        ignoreFocusOut: true,
      });
    },
    async askSecret(options) {
      return ui.showInputBox({
        title: options.title,
        prompt: options.prompt,
        placeHolder: options.placeHolder,
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => options.validate(value),
      });
    },
    async offer(message, ...buttons) {
      return ui.showInformationMessage(message, {}, ...buttons);
    },
    error(message) {
      void ui.showErrorMessage(message, {});
    },
    async warn(message, ...buttons) {
      return ui.showWarningMessage(message, {}, ...buttons);
    },
    async copy(text) {
      await ui.writeClipboard(text);
    },
  };
}

/**
 * The "session expired" warning: one at a time, and its "Sign In" button runs
 * the sign-in command (which asks what to do if someone signed in meanwhile).
 */
export function sessionExpiredPrompt(ui: Ui, log: Logger): () => void {
  const prompts = signInPrompts(ui);
  let open = false;
  return () => {
    if (open) {
      return;
    }
    open = true;
    const action = vscode.l10n.t('Sign In');
    prompts
      .warn(vscode.l10n.t('Your Modbox session expired. Sign in again to keep using Modbox.'), action)
      .then(async (choice) => {
        open = false;
        if (choice === action) {
          await vscode.commands.executeCommand('modbox.signIn');
        }
      })
      .catch((err: unknown) => log.error(`Sign-in after expiry failed: ${String(err)}`));
  };
}
