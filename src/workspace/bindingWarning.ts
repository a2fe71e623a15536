import * as vscode from 'vscode';
import type { Ui } from '../ui/ui';
import { messageText } from '../util/untrustedText';
import type { ActiveWorkspace, BindingProblem } from './activeWorkspace';

/** What is wrong with a folder's binding, in a sentence (the id and folder name come from a settings file: shown inert). */
export function bindingProblemText(problem: BindingProblem): string {
  const folder = messageText(problem.folderName);
  const id = messageText(problem.id);
  switch (problem.kind) {
    case 'invalid':
      return vscode.l10n.t("The setting modbox.workspace of '{0}' is not a workspace ID ({1}). Modbox uses no workspace for this folder until you fix it.", folder, id);
    case 'notVisible':
      return vscode.l10n.t("The setting modbox.workspace of '{0}' names a workspace your account cannot see ({1}). Modbox uses no workspace for this folder until you fix it: choose a workspace, or change the setting.", folder, id);
    case 'checking':
      return vscode.l10n.t("Checking that your account can see the workspace the setting modbox.workspace of '{0}' names ({1}).", folder, id);
  }
}

/**
 * Warns once per folder and bound id when the binding cannot be used, with
 * the two fixes: choose a workspace, or open the setting. `resolve`, when
 * given, is asked first and may fix the problem itself (another account that
 * can see the workspace): then there is no warning. `scope` names what else
 * the outcome depends on (the signed-in accounts): a new scope checks again.
 */
export function watchBindingProblems(
  active: ActiveWorkspace, ui: Ui, resolve?: (problem: BindingProblem) => Promise<boolean>, scope?: () => string,
): vscode.Disposable {
  const warned = new Set<string>();
  const check = (): void => {
    const problem = active.problem();
    if (!problem || problem.kind === 'checking') {
      return;
    }
    const key = JSON.stringify([problem.folderUri, problem.id, problem.kind, scope?.()]);
    if (warned.has(key)) {
      return;
    }
    warned.add(key);
    const select = vscode.l10n.t('Select Workspace');
    const settings = vscode.l10n.t('Open Settings');
    // After an asynchronous `resolve`, warn only if the problem is still the one shown now.
    const resolved = resolve
      ? resolve(problem).catch(() => false).then((done) => done || JSON.stringify(active.problem()) !== JSON.stringify(problem))
      : Promise.resolve(false);
    void resolved.then((done) => (done ? undefined : ui.showWarningMessage(bindingProblemText(problem), {}, select, settings))).then((choice) => {
      if (choice === select) {
        return vscode.commands.executeCommand('modbox.selectWorkspace');
      }
      if (choice === settings) {
        return vscode.commands.executeCommand('workbench.action.openSettings', 'modbox.workspace');
      }
      return undefined;
    }).then(undefined, () => undefined);
  };
  const sub = active.onDidChange(check);
  check();
  return sub;
}
