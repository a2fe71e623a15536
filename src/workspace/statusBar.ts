import * as vscode from 'vscode';
import type { Account } from '../auth/account';
import { messageText } from '../util/untrustedText';
import type { ActiveWorkspace } from './activeWorkspace';
import { bindingProblemText } from './bindingWarning';

/** Shows the effective workspace while signed in (and when a folder's setting chose it); clicking opens the picker. */
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
    const effective = this.active.effective();
    const problem = this.active.problem();
    if (effective) {
      const name = messageText(effective.name ?? effective.id);
      if (effective.source === 'folder') {
        this.item.text = `$(briefcase) ${name} ${vscode.l10n.t('(folder)')}`;
        this.item.tooltip = vscode.l10n.t("Modbox workspace: {0}, set by this folder's setting modbox.workspace. Click to switch.", name);
      } else {
        this.item.text = `$(briefcase) ${name}`;
        this.item.tooltip = vscode.l10n.t('Modbox workspace: {0}. Click to switch.', name);
      }
    } else if (problem?.kind === 'checking') {
      this.item.text = `$(briefcase) ${vscode.l10n.t('Modbox: checking the folder workspace…')}`;
      this.item.tooltip = vscode.l10n.t("Checking that your account can see the workspace this folder's setting modbox.workspace names.");
    } else if (problem) {
      this.item.text = `$(warning) ${vscode.l10n.t('Modbox: folder workspace unavailable')}`;
      this.item.tooltip = `${bindingProblemText(problem)} ${vscode.l10n.t('Click to choose one.')}`;
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

  /** For tests: the hover. */
  get tooltip(): string | undefined {
    return this.account.session && typeof this.item.tooltip === 'string' ? this.item.tooltip : undefined;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
