import * as vscode from 'vscode';
import { messageText } from '../util/untrustedText';
import type { AccountService } from '../auth/accountService';
import type { SignInOptions } from '../auth/signIn/options';
import type { Logger } from '../log/logger';
import { vscodeUi, type Ui } from '../ui/ui';

export interface AccountCommandDeps {
  account: AccountService;
  log: Logger;
  showLog(): void;
  /** Prompts; defaults to vscode.window. */
  ui?: Ui;
}

/** Sign in, sign out and the log: the commands that work whether or not anyone is signed in. */
export function registerAccountCommands(deps: AccountCommandDeps): vscode.Disposable[] {
  const { account, log } = deps;
  const ui = deps.ui ?? vscodeUi;
  return [
    vscode.commands.registerCommand('modbox.signIn', async (options?: SignInOptions) => {
      // Signed in already: the browser's identity adds an account (or renews a known one).
      try {
        const session = await account.signIn(sanitizeOptions(options));
        if (session) {
          void ui.showInformationMessage(vscode.l10n.t('Signed in to Modbox as {0}.', messageText(session.account.label)), {});
        }
      } catch (err) {
        log.warn(`Sign-in failed: ${messageOf(err)}`);
        void ui.showErrorMessage(messageOf(err), {});
      }
    }),
    vscode.commands.registerCommand('modbox.signOut', async () => {
      const label = account.session && messageText(account.session.account.label);
      await account.signOut();
      if (label) {
        void ui.showInformationMessage(vscode.l10n.t('Signed out of Modbox ({0}).', label), {});
      }
    }),
    vscode.commands.registerCommand('modbox.showLog', () => deps.showLog()),
  ];
}

/** Command arguments can come from anywhere (keybindings, other extensions): keep only known values. */
function sanitizeOptions(options: unknown): SignInOptions {
  if (typeof options !== 'object' || options === null) {
    return {};
  }
  const { method, flow } = options as Record<string, unknown>;
  const result: SignInOptions = {};
  if (method === 'github' || method === 'google' || method === 'microsoft' || method === 'apiToken') {
    result.method = method;
  }
  if (flow === 'uriHandler' || flow === 'loopbackRelay' || flow === 'paste') {
    result.flow = flow;
  }
  return result;
}

function messageOf(err: unknown): string {
  return err instanceof Error && err.message ? messageText(err.message, 600) : vscode.l10n.t('Sign-in failed. See the Modbox log for details.');
}
