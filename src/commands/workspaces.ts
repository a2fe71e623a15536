import * as vscode from 'vscode';
import { messageText } from '../util/untrustedText';
import { workspaceLabel, type WorkspaceFields } from '../views/workspaceText';
import { currentFolder, removeFolderBinding, writeFolderBinding } from '../workspace/folderBindings';
import { ensureSignedIn, listForPicker, rowArgument, type CommandEnv } from './env';

interface WorkspacePick extends vscode.QuickPickItem {
  workspace: WorkspaceFields;
}

function workspaceFromArgument(arg: unknown): WorkspaceFields | undefined {
  return rowArgument<WorkspaceFields>(arg, 'workspace', 'workspace');
}

async function pickWorkspace(env: CommandEnv, title: string, placeHolder: string): Promise<WorkspaceFields | undefined> {
  const workspaces = await listForPicker(env, env.workspaces, 'workspaces', vscode.l10n.t('You have no Modbox workspaces.'));
  if (!workspaces) {
    return undefined;
  }
  const activeId = env.activeWorkspace.id();
  const items = workspaces.map((workspace): WorkspacePick => {
    const active = workspace.id === activeId;
    const name = messageText(workspaceLabel(workspace, vscode.l10n));
    const role = workspace.role ? messageText(workspace.role) : undefined;
    return {
      label: active ? `$(check) ${name}` : name,
      description: [role, active ? vscode.l10n.t('active') : undefined].filter(Boolean).join(' · '),
      detail: messageText(workspace.id),
      workspace,
    };
  });
  const picked = await env.ui.showQuickPick(items, { title, placeHolder, matchOnDetail: true });
  return picked?.workspace;
}

interface ScopePick extends vscode.QuickPickItem {
  scope: 'folder' | 'all';
}

/** "For this folder" or "For all folders"; undefined when escaped. */
async function pickScope(env: CommandEnv, name: string, folder: vscode.WorkspaceFolder): Promise<'folder' | 'all' | undefined> {
  const items: ScopePick[] = [
    {
      label: vscode.l10n.t('For this folder'),
      description: messageText(folder.name),
      detail: vscode.l10n.t("Saved in the folder's settings (modbox.workspace); it takes precedence over your account-wide choice."),
      scope: 'folder',
    },
    {
      label: vscode.l10n.t('For all folders'),
      detail: vscode.l10n.t('Your account-wide choice, used wherever a folder has no modbox.workspace setting.'),
      scope: 'all',
    },
  ];
  const picked = await env.ui.showQuickPick(items, {
    title: vscode.l10n.t('Select Active Workspace'),
    placeHolder: vscode.l10n.t("Use '{0}' for this folder only, or for all folders?", messageText(name)),
  });
  return picked?.scope;
}

/** After an account-wide choice: a binding of the current folder still wins; offer to remove it. */
async function offerToRemoveBinding(env: CommandEnv, folder: vscode.WorkspaceFolder, chosenId: string): Promise<void> {
  const binding = env.activeWorkspace.binding(folder.uri);
  if (!binding || binding.id === chosenId) {
    return;
  }
  const remove = vscode.l10n.t('Remove Folder Setting');
  const keep = vscode.l10n.t('Keep It');
  const answer = await env.ui.showWarningMessage(
    vscode.l10n.t("'{0}' chooses its own workspace in its settings (modbox.workspace), which takes precedence over the choice for all folders. Remove that setting?", messageText(folder.name)),
    {}, remove, keep);
  if (answer !== remove) {
    void env.ui.showInformationMessage(
      vscode.l10n.t("The setting modbox.workspace of '{0}' still takes precedence there.", messageText(folder.name)), {});
    return;
  }
  if (!await removeFolderBinding(folder)) {
    void env.ui.showWarningMessage(
      vscode.l10n.t("The setting modbox.workspace of '{0}' is still set somewhere Modbox cannot change. Open the settings to remove it.", messageText(folder.name)), {});
    return;
  }
  env.log.info('Removed the folder\'s Modbox workspace setting.');
}

/**
 * Quick pick of workspaces (or the row it was run on); with a folder open,
 * then "for this folder" (the folder's `modbox.workspace` setting) or "for
 * all folders" (the account-wide choice). Escape at either step changes nothing.
 */
export async function selectWorkspace(env: CommandEnv, arg?: unknown): Promise<void> {
  if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to choose a workspace.'))) {
    return;
  }
  const workspace = workspaceFromArgument(arg) ?? await pickWorkspace(env,
    vscode.l10n.t('Select Active Workspace'),
    vscode.l10n.t('Modbox requests from this editor will use the workspace you choose'));
  if (!workspace) {
    return;
  }
  const chosen = { id: workspace.id, name: workspaceLabel(workspace, vscode.l10n) };
  const folder = currentFolder();
  const scope = folder ? await pickScope(env, chosen.name, folder) : 'all';
  if (!scope) {
    return;
  }
  if (scope === 'folder' && folder) {
    try {
      await writeFolderBinding(folder, chosen.id);
    } catch (err) {
      env.log.warn(`Couldn't save the folder's Modbox workspace: ${err instanceof Error ? err.message : String(err)}`);
      void env.ui.showErrorMessage(vscode.l10n.t("Couldn't save the workspace in the settings of '{0}'.", messageText(folder.name)), {});
      return;
    }
    env.log.info('Bound the folder to a Modbox workspace.');
    return;
  }
  await env.activeWorkspace.set(chosen);
  env.log.info('Changed the active Modbox workspace.');
  if (folder) {
    await offerToRemoveBinding(env, folder, chosen.id);
  }
}

export async function copyWorkspaceId(env: CommandEnv, arg?: unknown): Promise<void> {
  let workspace = workspaceFromArgument(arg);
  if (!workspace) {
    if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to copy a workspace ID.'))) {
      return;
    }
    workspace = await pickWorkspace(env, vscode.l10n.t('Copy Workspace ID'), vscode.l10n.t('Which workspace?'));
    if (!workspace) {
      return;
    }
  }
  await env.ui.writeClipboard(workspace.id);
  void env.ui.showInformationMessage(
    vscode.l10n.t("Copied the ID of '{0}'.", messageText(workspaceLabel(workspace, vscode.l10n))), {});
}
