import * as vscode from 'vscode';
import type { ActiveWorkspace } from './activeWorkspace';

/** Keeps the `modbox.workspaceChosen` context key (the walkthrough's step) true while an effective workspace exists. */
export function trackWorkspaceChosen(active: ActiveWorkspace, onSessionChange: (listener: () => void) => { dispose(): void }): vscode.Disposable {
  let last: boolean | undefined;
  const update = (): void => {
    const chosen = active.effective() !== undefined;
    if (chosen !== last) {
      last = chosen;
      void vscode.commands.executeCommand('setContext', 'modbox.workspaceChosen', chosen);
    }
  };
  const subs = [active.onDidChange(update), onSessionChange(update)];
  update();
  return { dispose: () => subs.forEach((s) => s.dispose()) };
}
