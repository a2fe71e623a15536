import * as vscode from 'vscode';
import { errorReason } from '../views/errorText';
import { SIGNED_IN_TERMINAL_NAME, type TerminalFeature } from '../terminal/terminalFeature';
import { ensureSignedIn, type CommandEnv } from './env';

/** The folder a new terminal belongs to: the active editor's, else the first. */
function currentFolder(): vscode.WorkspaceFolder | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
}

/**
 * Opens one terminal with the Modbox variables in its own environment
 * (`TerminalOptions.env`), whether or not terminal credentials are on. The
 * terminal is transient: VS Code does not restore it, or its environment, after a reload.
 */
export async function openSignedInTerminal(env: CommandEnv, feature: Pick<TerminalFeature, 'variablesFor'>): Promise<vscode.Terminal | undefined> {
  if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to open a signed-in terminal.'))) {
    return undefined;
  }
  const folder = currentFolder();
  let variables: Record<string, string> | undefined;
  try {
    variables = await Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Getting the Modbox terminal token…') },
      () => feature.variablesFor(folder),
    ));
  } catch (err) {
    env.log.warn(`Open terminal signed in: ${errorReason(err, vscode.l10n)}`);
    void env.ui.showErrorMessage(vscode.l10n.t("Couldn't open a signed-in terminal: {0}", errorReason(err, vscode.l10n)), {});
    return undefined;
  }
  if (!variables) {
    return undefined;
  }
  const terminal = vscode.window.createTerminal({ name: SIGNED_IN_TERMINAL_NAME, cwd: folder?.uri, env: variables, isTransient: true });
  terminal.show();
  return terminal;
}
