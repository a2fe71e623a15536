import * as vscode from 'vscode';
import type { FolderBinding, FolderBindingReader, FolderRef } from './activeWorkspace';

export const WORKSPACE_SETTING = 'workspace';

/** The folder's `modbox.workspace` (resource scope: folder, workspace or user settings, as VS Code merges them). */
function bindingOf(folder: vscode.WorkspaceFolder): FolderBinding | undefined {
  const value = vscode.workspace.getConfiguration('modbox', folder.uri).get<unknown>(WORKSPACE_SETTING);
  if (typeof value !== 'string' || value.trim() === '') {
    return undefined;
  }
  return { id: value.trim(), folderUri: folder.uri.toString(), folderName: folder.name };
}

function folderOf(ref: FolderRef): vscode.WorkspaceFolder | undefined {
  const uri = ref instanceof vscode.Uri ? ref : vscode.Uri.parse(ref.toString());
  return vscode.workspace.getWorkspaceFolder(uri);
}

/**
 * Reads folder bindings from VS Code's settings and says when they may have
 * changed: a settings edit, another active editor, folders added or removed.
 * ActiveWorkspace fires only when the effective workspace really changes.
 */
export function vscodeFolderBindings(): FolderBindingReader & vscode.Disposable {
  const emitter = new vscode.EventEmitter<void>();
  const subscriptions = [
    emitter,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`modbox.${WORKSPACE_SETTING}`)) {
        emitter.fire();
      }
    }),
    vscode.window.onDidChangeActiveTextEditor(() => emitter.fire()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => emitter.fire()),
  ];
  return {
    binding(ref?: FolderRef): FolderBinding | undefined {
      if (ref) {
        const folder = folderOf(ref);
        return folder ? bindingOf(folder) : undefined;
      }
      // The active editor's folder decides when there is one; otherwise the first bound folder.
      const editor = vscode.window.activeTextEditor;
      const editorFolder = editor ? vscode.workspace.getWorkspaceFolder(editor.document.uri) : undefined;
      if (editorFolder) {
        return bindingOf(editorFolder);
      }
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        const binding = bindingOf(folder);
        if (binding) {
          return binding;
        }
      }
      return undefined;
    },
    onDidChange: (listener) => emitter.event(listener),
    dispose: () => subscriptions.forEach((s) => s.dispose()),
  };
}

/** The folder "this folder" means in prompts: the active editor's, else the first one. */
export function currentFolder(): vscode.WorkspaceFolder | undefined {
  const editor = vscode.window.activeTextEditor;
  return (editor ? vscode.workspace.getWorkspaceFolder(editor.document.uri) : undefined) ?? vscode.workspace.workspaceFolders?.[0];
}

/** Writes (or with undefined, removes) the folder's binding in its own settings. */
export async function writeFolderBinding(folder: vscode.WorkspaceFolder, id: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('modbox', folder.uri).update(WORKSPACE_SETTING, id, vscode.ConfigurationTarget.WorkspaceFolder);
}

/**
 * Removes the binding wherever it is set for this folder (folder, workspace
 * or user settings). Resolves true when no binding is left.
 */
export async function removeFolderBinding(folder: vscode.WorkspaceFolder): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('modbox', folder.uri);
  const where = config.inspect<string>(WORKSPACE_SETTING);
  if (where?.workspaceFolderValue !== undefined) {
    await config.update(WORKSPACE_SETTING, undefined, vscode.ConfigurationTarget.WorkspaceFolder);
  }
  if (where?.workspaceValue !== undefined) {
    await config.update(WORKSPACE_SETTING, undefined, vscode.ConfigurationTarget.Workspace);
  }
  if (where?.globalValue !== undefined) {
    await config.update(WORKSPACE_SETTING, undefined, vscode.ConfigurationTarget.Global);
  }
  return bindingOf(folder) === undefined;
}
