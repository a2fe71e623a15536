import * as vscode from 'vscode';
import { messageText } from '../util/untrustedText';
import { workspaceLabel } from '../views/workspaceText';
import { isModboxId } from '../workspace/activeWorkspace';
import { buildOpenLink, parseOpenLink, type OpenLink } from './deepLinkUri';
import { ensureSignedIn, listForPicker, type CommandEnv } from './env';

/** The Sandboxes view, as far as links need it (structural: that view may not be there). */
export interface SandboxRevealer {
  /** Shows and selects the sandbox; resolves false when the view does not list it. */
  reveal(sandboxId: string): PromiseLike<boolean | void> | boolean | void;
}

export const MODBOX_VIEW_CONTAINER_COMMAND = 'workbench.view.extension.modbox';

function invalidLinkText(reason: Extract<OpenLink, { kind: 'invalid' }>['reason']): string {
  switch (reason) {
    case 'noWorkspace':
      return vscode.l10n.t('This Modbox link names no workspace, so there is nothing to open.');
    case 'badWorkspace':
      return vscode.l10n.t('This Modbox link is malformed: its workspace is not a Modbox workspace ID. Nothing was opened.');
    case 'badSandbox':
      return vscode.l10n.t('This Modbox link is malformed: its sandbox is not a Modbox sandbox ID. Nothing was opened.');
    case 'repeated':
      return vscode.l10n.t('This Modbox link is malformed: it names more than one workspace or sandbox. Nothing was opened.');
  }
}

/**
 * Follows `/open?workspace=<id>[&sandbox=<id>]`: makes the workspace the
 * account-wide choice (a folder's own setting still wins, and the user is
 * told), focuses the Modbox view and reveals the sandbox. Ids the account
 * cannot see get a message, never a request made on their behalf.
 */
export async function openDeepLink(env: CommandEnv, query: string, sandboxes: SandboxRevealer | undefined): Promise<void> {
  const link = parseOpenLink(query);
  if (link.kind === 'invalid') {
    env.log.warn(`Ignored a Modbox link: ${link.reason}.`);
    void env.ui.showErrorMessage(invalidLinkText(link.reason), {});
    return;
  }
  if (link.ignored > 0) {
    // Counted, never written: a link must not carry a credential, and this one tried.
    env.log.warn(`Ignored ${link.ignored} credential-like parameter(s) of a Modbox link.`);
  }
  if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to open this link.'))) {
    return;
  }
  const workspaces = await listForPicker(env, env.workspaces, 'workspaces', vscode.l10n.t('You have no Modbox workspaces.'));
  if (!workspaces) {
    return;
  }
  const workspace = workspaces.find((w) => w.id === link.workspaceId);
  if (!workspace) {
    void env.ui.showErrorMessage(vscode.l10n.t(
      'This link opens a Modbox workspace your account cannot see ({0}). Sign in with the account it belongs to, or ask its owner to add you.',
      messageText(link.workspaceId)), {});
    return;
  }
  const name = workspaceLabel(workspace, vscode.l10n);
  await env.activeWorkspace.set({ id: workspace.id, name });
  env.log.info('Opened a Modbox link.');
  await vscode.commands.executeCommand(MODBOX_VIEW_CONTAINER_COMMAND);

  const effective = env.activeWorkspace.effective();
  if (effective?.id !== workspace.id) {
    const binding = env.activeWorkspace.binding();
    const settings = vscode.l10n.t('Open Settings');
    const message = vscode.l10n.t(
      "'{0}' is now the workspace for all folders, but the setting modbox.workspace of '{1}' chooses another one, which takes precedence there.",
      messageText(name), messageText(binding?.folderName ?? ''));
    const why = link.sandboxId ? ` ${vscode.l10n.t('The sandbox is not shown: the Sandboxes view lists the folder\'s workspace.')}` : '';
    if (await env.ui.showInformationMessage(message + why, {}, settings) === settings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'modbox.workspace');
    }
    return;
  }
  if (link.sandboxId) {
    const shown = sandboxes ? await sandboxes.reveal(link.sandboxId) : false;
    if (shown === false) {
      void env.ui.showWarningMessage(vscode.l10n.t(
        "Sandbox {0} is not in the workspace '{1}'. It may have been destroyed, or the link is for another workspace.",
        messageText(link.sandboxId), messageText(name)), {});
    }
  }
}

interface SandboxLinkRow {
  workspaceId: string;
  sandboxId: string;
  label: string;
}

/** A Sandboxes view row `{ kind: 'sandbox', sandbox: { id, name? }, workspaceId }`, or undefined. */
function sandboxRow(arg: unknown): SandboxLinkRow | undefined {
  const node = arg as { kind?: unknown; workspaceId?: unknown; sandbox?: { id?: unknown; name?: unknown } } | undefined;
  if (node?.kind !== 'sandbox' || !isModboxId(node.workspaceId) || !isModboxId(node.sandbox?.id)) {
    return undefined;
  }
  const name = node.sandbox.name;
  return { workspaceId: node.workspaceId, sandboxId: node.sandbox.id, label: typeof name === 'string' && name ? name : node.sandbox.id };
}

/**
 * Copies a link that opens the sandbox of the row it was run on; from the
 * palette, a link to the effective workspace. Ids only, never a credential.
 */
export async function copySandboxLink(env: CommandEnv, arg?: unknown): Promise<void> {
  const row = sandboxRow(arg);
  if (row) {
    await env.ui.writeClipboard(buildOpenLink(vscode.env.uriScheme, row.workspaceId, row.sandboxId));
    void env.ui.showInformationMessage(vscode.l10n.t("Copied a link to the sandbox '{0}'.", messageText(row.label)), {});
    return;
  }
  if (!await ensureSignedIn(env, vscode.l10n.t('Sign in to Modbox to copy a link.'))) {
    return;
  }
  const effective = env.activeWorkspace.effective();
  if (!effective) {
    const select = vscode.l10n.t('Select Workspace');
    if (await env.ui.showInformationMessage(vscode.l10n.t('Choose a Modbox workspace first: the link opens it.'), {}, select) === select) {
      await vscode.commands.executeCommand('modbox.selectWorkspace');
    }
    return;
  }
  await env.ui.writeClipboard(buildOpenLink(vscode.env.uriScheme, effective.id));
  void env.ui.showInformationMessage(vscode.l10n.t("Copied a link to the workspace '{0}'.", messageText(effective.name ?? effective.id)), {});
}
