import * as vscode from 'vscode';
import { messageText } from '../util/untrustedText';
import { workspaceLabel, type WorkspaceFields } from '../views/workspaceText';
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

/** Quick pick of workspaces (or the row it was run on); the choice is sent as X-Workspace-Id from then on. */
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
  await env.activeWorkspace.set({ id: workspace.id, name: workspaceLabel(workspace, vscode.l10n) });
  env.log.info('Changed the active Modbox workspace.');
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
