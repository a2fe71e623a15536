import * as vscode from 'vscode';
import type { Account } from '../auth/account';
import { messageText } from '../util/untrustedText';

/**
 * The account the sidebar shows, beside the workspace item (together: whose
 * data and which workspace). Clicking opens the account switcher.
 */
export class AccountStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: Array<{ dispose(): void }> = [];

  constructor(private readonly account: Account) {
    // Just right of the workspace item (priority 50), so a long workspace name never pushes it away from it.
    this.item = vscode.window.createStatusBarItem('modbox.account', vscode.StatusBarAlignment.Left, 49);
    this.item.name = vscode.l10n.t('Modbox Account');
    this.item.command = 'modbox.switchAccount';
    this.subscriptions.push(account.onDidChangeSession(() => this.update()), account.onDidChangeAccounts(() => this.update()));
    this.update();
  }

  update(): void {
    const shown = this.account.accounts.find((a) => a.selected);
    if (!shown) {
      this.item.hide();
      return;
    }
    this.item.text = shown.session ? `$(account) ${messageText(shown.label)}` : `$(warning) ${messageText(shown.label)}`;
    this.item.tooltip = shown.session
      ? vscode.l10n.t('Modbox account: {0}. Click to switch accounts.', messageText(shown.label))
      : vscode.l10n.t('Modbox account {0} is signed out. Click to sign in again or switch accounts.', messageText(shown.label));
    this.item.show();
  }

  /** For tests: what the user sees. */
  get text(): string | undefined {
    return this.account.accounts.some((a) => a.selected) ? this.item.text : undefined;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
