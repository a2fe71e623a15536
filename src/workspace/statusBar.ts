import * as vscode from 'vscode';
import type { Account } from '../auth/account';
import { messageText } from '../util/untrustedText';
import type { ActiveWorkspace } from './activeWorkspace';

/** Shows the active workspace while signed in; clicking opens the picker. */
export class ActiveWorkspaceStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: Array<{ dispose(): void }> = [];

  constructor(private readonly account: Account, private readonly active: ActiveWorkspace) {
    this.item = vscode.window.createStatusBarItem('modbox.activeWorkspace', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('Modbox Workspace');
    this.item.command = 'modbox.selectWorkspace';
    this.subscriptions.push(
      account.onDidChangeSession(() => this.update()),
      active.onDidChange(() => this.update()),
    );
    this.update();
  }

  update(): void {
    if (!this.account.session) {
      this.item.hide();
      return;
    }
    const choice = this.active.current;
    if (choice) {
      const name = messageText(choice.name);
      this.item.text = `$(briefcase) ${name}`;
      this.item.tooltip = vscode.l10n.t('Modbox workspace: {0}. Click to switch.', name);
    } else {
      this.item.text = `$(briefcase) ${vscode.l10n.t('Modbox: no workspace')}`;
      this.item.tooltip = vscode.l10n.t('No active Modbox workspace. Click to choose one.');
    }
    this.item.show();
  }

  /** For tests: what the user sees. */
  get text(): string | undefined {
    return this.account.session ? this.item.text : undefined;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
