import * as vscode from 'vscode';
import type { Account, AccountSummary } from '../auth/account';
import type { Ui } from '../ui/ui';
import { messageText } from '../util/untrustedText';

export interface SwitchAccountEnv {
  account: Account;
  ui: Ui;
}

type Choice =
  | (vscode.QuickPickItem & { action: 'select'; accountId: string })
  | (vscode.QuickPickItem & { action: 'signInAgain'; accountId: string })
  | (vscode.QuickPickItem & { action: 'add' })
  | (vscode.QuickPickItem & { action: 'signOut'; accountId: string });

/** What the switcher says about an account. */
export function accountDescription(account: AccountSummary): string {
  if (!account.session) {
    return vscode.l10n.t('signed out — sign in again');
  }
  return account.selected ? vscode.l10n.t('shown in the sidebar') : '';
}

/**
 * Modbox: Switch Account. Lists every account (the sidebar shows the chosen
 * one), offers to add one and to sign out of the one shown. An account whose
 * session was lost is listed as signed out; choosing it signs in again.
 */
export async function switchAccount(env: SwitchAccountEnv): Promise<void> {
  const { account, ui } = env;
  const accounts = account.accounts;
  const items: Choice[] = accounts.map((a) => ({
    action: a.session ? 'select' : 'signInAgain',
    accountId: a.id,
    label: `${a.session ? '$(account)' : '$(warning)'} ${messageText(a.label)}`,
    description: accountDescription(a),
    picked: a.selected,
  }));
  items.push({ action: 'add', label: `$(add) ${vscode.l10n.t('Add Another Account…')}`, alwaysShow: true });
  const selected = accounts.find((a) => a.selected);
  if (selected) {
    items.push({
      action: 'signOut',
      accountId: selected.id,
      label: `$(sign-out) ${vscode.l10n.t('Sign Out of {0}', messageText(selected.label))}`,
      alwaysShow: true,
    });
  }
  const choice = await ui.showQuickPick(items, { placeHolder: vscode.l10n.t('Choose the Modbox account the sidebar shows') });
  if (!choice) {
    return;
  }
  switch (choice.action) {
    case 'select':
      await account.select(choice.accountId);
      return;
    case 'signInAgain':
      await account.select(choice.accountId);
      await signInReporting(env);
      return;
    case 'add':
      await signInReporting(env);
      return;
    case 'signOut': {
      const label = messageText(selected?.label ?? '');
      await account.signOut(choice.accountId);
      void ui.showInformationMessage(vscode.l10n.t('Signed out of Modbox ({0}).', label), {});
      return;
    }
  }
}

async function signInReporting(env: SwitchAccountEnv): Promise<void> {
  try {
    const session = await env.account.signIn();
    if (session) {
      void env.ui.showInformationMessage(vscode.l10n.t('Signed in to Modbox as {0}.', messageText(session.account.label)), {});
    }
  } catch (err) {
    // The account limit, or a sign-in that failed: both carry a message meant for the user.
    void env.ui.showErrorMessage(err instanceof Error && err.message ? messageText(err.message, 600) : vscode.l10n.t('Sign-in failed. See the Modbox log for details.'), {});
  }
}
